import { type ChildProcess, fork, spawn } from "node:child_process";
import { join } from "node:path";
import { getDefaultEnvironment } from "../deps.js";
import { requireBuilt, type ServerCommand, waitForExit } from "./servers.js";

/** Clients calling at once, each back to back (issue 18). */
export const LOAD_CLIENTS = 32;

/** The protocol eras the load figures speak: 2026-07-28 (stateless by design) and 2025-11-25 (stateless serving). */
export type Era = "2026-07-28" | "2025-11-25";

/** What http-load.ts asks the driver process (load-driver.mjs). */
export type DriverRequest =
  | { type: "connect"; set: string; url: string; token: string; era: Era; clients: number }
  | { type: "run"; set: string; tool: string; args: Record<string, unknown>; ms: number; expect?: string }
  | { type: "close" };

/** One timed run as the driver saw it: finished calls' latencies (ms), failures, wall time and its own CPU. */
export interface LoadRun {
  latencies: number[];
  errors: number;
  firstError?: string | undefined;
  elapsedMs: number;
  cpuMs: number;
}

/** What the driver answers. */
export type DriverReply =
  | { type: "connected" }
  | ({ type: "ran" } & LoadRun)
  | { type: "closed" }
  | { type: "error"; message: string };

/** A server listening on 127.0.0.1 for the load figures. */
export interface HttpTarget {
  label: string;
  url: string;
  /** The bearer token its clients send (the floor ignores it). */
  token: string;
  pid: number;
  close(): Promise<void>;
}

/** The token the bench's HTTP servers accept; a dummy, they listen on loopback only for the run. */
const TOKEN = "bench-load-token-0123456789abcdef";

/** Spawn `node <args>` and resolve with the URL it prints (`pattern`'s first group) on stdout or stderr. */
async function listen(
  label: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  pattern: RegExp,
): Promise<HttpTarget> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail("no URL after 15 s"), 15_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start: ${why}; output: ${output.trim().slice(-500) || "(empty)"}`));
    }
    const seen = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
      const match = pattern.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    child.once("exit", (code) => fail(`exited with ${code}`));
  });
  return {
    label,
    url,
    token: TOKEN,
    pid: child.pid as number,
    close: async () => {
      child.kill("SIGTERM");
      await waitForExit(child.pid);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** One of our bins (a ServerCommand of servers.ts) in HTTP mode on a free loopback port, stateless, token auth. */
export function startOurHttp(root: string, command: ServerCommand): Promise<HttpTarget> {
  requireBuilt(command);
  return listen(
    `${command.label} (HTTP)`,
    [...(command.nodeArgs ?? []), ...command.args, "--transport", "http", "--port", "0"],
    { ...getDefaultEnvironment(), ...command.env, MCP_AUTH_TOKEN: TOKEN },
    root,
    /serving MCP over Streamable HTTP at (http:\/\/\S+)/,
  );
}

/** The SDK v2's minimal stateless server with one echo tool (bench/peers/sdk-stateless.mjs), in its own process, plain node. */
export function startFloor(root: string, nodeArgs: string[] = []): Promise<HttpTarget> {
  return listen(
    "SDK v2 stateless floor",
    [...nodeArgs, join(root, "bench/peers/sdk-stateless.mjs")],
    getDefaultEnvironment(),
    root,
    /listening (http:\/\/\S+)/,
  );
}

/** The load driver process, and the client sets it has open. */
export interface LoadDriver {
  /** Open `clients` clients of `era` to `target` once (kept for later runs); a second call is free. */
  connect(target: HttpTarget, era: Era, clients: number): Promise<void>;
  /** Every client of that set calls `tool` back to back for `ms`; the first answer's text must contain `expect`. */
  run(
    target: HttpTarget,
    era: Era,
    call: { tool: string; args: Record<string, unknown>; expect?: string },
    ms: number,
  ): Promise<LoadRun>;
  close(): Promise<void>;
}

/** Fork bench/lib/load-driver.mjs (plain node) and talk to it over IPC, one request at a time. */
export function startDriver(root: string): LoadDriver {
  const child: ChildProcess = fork(join(root, "bench/lib/load-driver.mjs"), [], {
    cwd: root,
    execArgv: [],
    env: getDefaultEnvironment(),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const opened = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (request: DriverRequest): Promise<DriverReply> => {
    const next = queue.then(
      () =>
        new Promise<DriverReply>((resolve, reject) => {
          const onExit = (code: number | null) => reject(new Error(`load driver exited with ${code}`));
          child.once("exit", onExit);
          child.once("message", (reply: DriverReply) => {
            child.off("exit", onExit);
            if (reply.type === "error") reject(new Error(`load driver: ${reply.message}`));
            else resolve(reply);
          });
          child.send(request);
        }),
    );
    queue = next.catch(() => {});
    return next;
  };
  const setName = (target: HttpTarget, era: Era) => `${target.url} ${era}`;
  return {
    async connect(target, era, clients) {
      const set = setName(target, era);
      if (opened.has(set)) return;
      await ask({ type: "connect", set, url: target.url, token: target.token, era, clients });
      opened.add(set);
    },
    async run(target, era, call, ms) {
      const reply = await ask({ type: "run", set: setName(target, era), ...call, ms });
      if (reply.type !== "ran") throw new Error(`load driver answered ${reply.type}`);
      return reply;
    },
    async close() {
      if (child.exitCode === null) {
        await ask({ type: "close" }).catch(() => {});
        child.kill("SIGTERM");
        await waitForExit(child.pid);
      }
    },
  };
}
