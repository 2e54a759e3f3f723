import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/client";

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A finished process: exit code and everything it printed. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command to completion (killed after `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((done, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 25_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running child and the first match of `pattern` in its output (stdout or stderr). */
export interface Started {
  child: ChildProcess;
  match: RegExpExecArray;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Start a long-running process and wait until its output matches `pattern`. */
export function startUntil(
  command: string,
  args: readonly string[],
  pattern: RegExp,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Started> {
  return new Promise((done, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`timed out waiting for ${pattern} from ${command} ${args.join(" ")}:\n${output}`));
    }, options.timeoutMs ?? 25_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ child, match, output: () => output, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", reject);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")} exited (${code}) before printing ${pattern}:\n${output}`));
    });
  });
}

/** The text blocks of a tool result, joined. */
export function textOf(result: unknown): string {
  return (result as CallToolResult).content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/** Arguments that run a TypeScript example with node and tsx's loader (what `pnpm tsx` does, minus the wrapper). */
export function tsxArgs(file: string, ...args: string[]): string[] {
  return ["--import", "tsx", resolve(REPO, file), ...args];
}
