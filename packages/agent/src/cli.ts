#!/usr/bin/env node
import { parseArgs } from "node:util";
import { argvUsageLine, packageVersion, UsageError } from "@mcp-toolkit/core";
import { closedTerminalGuard } from "./closed-terminal.js";
import { unreadServersFile } from "./config-sources.js";
import { EXIT, Interrupted, StrictStartFailed, stoppedBy } from "./errors.js";
import { FLAGS, type FlagValues, HELP } from "./flags.js";
import { preflight, spawnServers } from "./launch.js";
import { readPipedInput, stdinIsPiped } from "./piped-input.js";
import { printConfig } from "./print-config.js";
import type { ProcessTransport } from "./process-transport.js";
import { resolveConfig } from "./resolve-config.js";
import { routeSdkWarnings } from "./sdk-warnings.js";
import type { ServerPool } from "./servers.js";
import { stopGraceMs } from "./stop-grace.js";
import { printable, printableJson } from "./terminal-text.js";

const controller = new AbortController();
/** Servers spawned before run.js loads; the pool adopts them. */
let spawned: Map<string, ProcessTransport> | undefined;
let pool: ServerPool | undefined;
let signalCode: number = EXIT.interrupted;
const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
/** --json promises a result object on stdout, a failure before the run included. */
const json = process.argv.includes("--json");

/** Kill every server process group now, synchronously. */
function killServers(): void {
  pool?.killNow();
  for (const transport of spawned?.values() ?? []) transport.killNow();
}

/** After the servers' stop grace, what a stopping run has left to finish before a forced exit. */
const EXIT_MARGIN_MS = 1500;

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: EXIT.interrupted,
  SIGTERM: EXIT.terminated,
  SIGHUP: EXIT.hangup,
};

function onSignal(signal: NodeJS.Signals): void {
  if (controller.signal.aborted) {
    // Second Ctrl-C: kill every server group now and leave.
    killServers();
    process.exit(signalCode);
  }
  signalCode = SIGNAL_CODES[signal] ?? EXIT.interrupted;
  // A closed terminal (SIGHUP) has no one left to read the line, and writing to it fails.
  if (signal !== "SIGHUP") {
    process.stderr.write(
      signal === "SIGTERM"
        ? "\nmcp-agent: terminated; stopping servers (SIGTERM again to force)\n"
        : "\nmcp-agent: interrupted; stopping servers (Ctrl-C again to force)\n",
    );
  }
  // The calls it stops are recorded as stopped by this signal (tool-runner.ts).
  controller.abort(stoppedBy(signal));
  // Never hang on shutdown, nor cut a shutdown short that is still within its bounds: the servers have their stop
  // grace (longer when they export telemetry, as the agent's own last export then runs meanwhile), and the rest of
  // the exit (the --json result, the summary) this much more.
  setTimeout(() => {
    killServers();
    process.exit(signalCode);
  }, stopGraceMs(process.env) + EXIT_MARGIN_MS).unref();
}

// The client SDK's console warnings are for --verbose; the agent's own lines say what happened.
routeSdkWarnings(console, verbose ? (line) => process.stderr.write(`mcp-agent: sdk: ${printable(line)}\n`) : undefined);

// Whatever ends the process (a crash included), no server it started outlives it.
process.on("exit", killServers);
process.on("exit", closedTerminalGuard());
// A reader that goes away (mcp-agent --list-tools | head) ends the run quietly, not with a stack trace; a terminal
// that closed (EIO as the summary is written to it) ends it as its SIGHUP does.
const STREAM_GONE: Record<string, number> = { EPIPE: EXIT.ok, EIO: EXIT.hangup };
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    killServers();
    process.exit(STREAM_GONE[error.code ?? ""] ?? EXIT.failed);
  });
}

async function main(): Promise<number> {
  let flags: FlagValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({ options: FLAGS, allowPositionals: true, strict: true });
    flags = parsed.values as FlagValues;
    positionals = parsed.positionals;
  } catch (error) {
    throw new UsageError(argvUsageLine(process.argv.slice(2), FLAGS, error));
  }
  if (flags.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (flags.version) {
    process.stdout.write(`mcp-agent ${packageVersion(import.meta.url)}\n`);
    return EXIT.ok;
  }
  const config = resolveConfig(flags, positionals, process.env, process.cwd());
  const unread = unreadServersFile(flags.config, config.serversFile, process.cwd());
  if (unread !== undefined) process.stderr.write(`mcp-agent: ${printable(unread)}\n`);
  if (flags["print-config"] !== undefined) {
    printConfig(config, flags["print-config"], process.stdout, (line) =>
      process.stderr.write(`mcp-agent: ${printable(line)}\n`),
    );
    return EXIT.ok;
  }
  if (flags.login !== undefined || flags.logout !== undefined) {
    const io = { stderr: process.stderr, env: process.env, signal: controller.signal };
    if (flags.login !== undefined) return (await import("./login.js")).login(config, flags.login, io);
    return (await import("./logout.js")).logout(config, flags.logout as string, io);
  }
  const listTools = flags["list-tools"] === true;
  // stdin is only looked at for --ask: touching process.stdin costs start-up time.
  preflight(config, listTools, config.ask && process.stdin.isTTY === true);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The terminal closed (its window, a dropped ssh session): Node's default would exit at once, leaving the servers,
  // each in a process group of its own, and what they started, running.
  process.on("SIGHUP", onSignal);
  // The servers boot while the rest of the agent (run.js and what it imports) loads.
  const onStderr = config.verbose
    ? (server: string, line: string) => process.stderr.write(`[${server}] ${printable(line)}\n`)
    : undefined;
  spawned = spawnServers(config, process.env, onStderr, (line) =>
    process.stderr.write(`mcp-agent: ${printable(line)}\n`),
  );
  // A task takes what is piped to it as context (no task: piped lines are the session's turns). fstat, not
  // process.stdin.isTTY: touching process.stdin costs start-up time.
  const pipedInput =
    config.task !== undefined && !listTools && stdinIsPiped()
      ? readPipedInput(process.stdin, controller.signal)
      : undefined;
  // Refused input (too long, not text) is reported when the task starts, not as an unhandled rejection before.
  pipedInput?.catch(() => {});
  const { run } = await import("./run.js");
  return run(
    config,
    { listTools },
    {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      signal: controller.signal,
      onPool: (p) => {
        pool = p;
      },
      spawned,
      pipedInput,
    },
  );
}

main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof Interrupted || controller.signal.aborted) {
        process.exitCode = signalCode;
      } else if (error instanceof UsageError) {
        process.stderr.write(`mcp-agent: ${printable(error.message)}\n`);
        process.exitCode = EXIT.usage;
      } else {
        process.stderr.write(
          `mcp-agent: ${printable(verbose && error instanceof Error ? String(error.stack) : String((error as Error)?.message ?? error))}\n`,
        );
        process.exitCode = EXIT.failed;
      }
      if (json) {
        const message = error instanceof Error ? error.message : String(error);
        // A run stopped by a signal still says what it did and spent; one stopped by --strict, which servers failed.
        const partial = error instanceof Interrupted || error instanceof StrictStartFailed ? error.partial : undefined;
        process.stdout.write(
          `${printableJson({ ok: false, exitCode: process.exitCode, error: message, ...partial }, 2)}\n`,
        );
      }
    },
  )
  .finally(() => {
    // Stdin or a stray handle must not keep a finished run alive.
    setTimeout(() => process.exit(), 50).unref();
  });
