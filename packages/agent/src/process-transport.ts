import { type ChildProcess, spawn } from "node:child_process";
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";
import { spawnFailure } from "./spawn-failure.js";
import { StderrTail } from "./stderr-tail.js";
import { StdoutMessages } from "./stdout-messages.js";
import { stopGraceMs } from "./stop-grace.js";
import { StrayLines } from "./stray-lines.js";

/** How long after the server's exit its stdout is still read when something it started keeps that pipe open. */
const EXIT_DRAIN_MS = 500;

/** A message not sent: the server's process has exited (or was never started), so nothing reached it. */
export class NotRunning extends Error {
  override name = "NotRunning";
  constructor() {
    super("server process is not running");
  }
}

/** How to start a stdio server process. */
export interface ProcessOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string | undefined;
  /** Called with each stderr line, and the first few stdout lines that are not JSON-RPC (for --verbose). */
  onStderr?: ((line: string) => void) | undefined;
}

/**
 * MCP over a child's stdio, with the child in its own process group so the whole tree (npx → node,
 * sh → server) can be signalled; the SDK's StdioClientTransport signals only the direct child and
 * passes a minimal environment. Keeps the last stderr lines for start-up error reports.
 */
export class ProcessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  private readonly stderr = new StderrTail((line) => this.options.onStderr?.(line));
  /** The last stderr lines, clipped (stderr-tail.ts). */
  readonly stderrTail: string[] = this.stderr.lines;
  private child: ChildProcess | undefined;
  private closed = false;
  /** close() has swept the group: signalling its id again could hit a recycled process group. */
  private reaped = false;
  private exited: Promise<void> = Promise.resolve();
  /** How the process ended, once it has: its exit code, or the signal that killed it. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Why it could not be spawned at all, if so. */
  private spawnError: string | undefined;
  /** performance.now() when the process was spawned. */
  spawnedAt: number | undefined;
  /** What it wrote to stdout that is not JSON-RPC (a server logging to stdout), for error lines. */
  readonly stray = new StrayLines((line) => this.options.onStderr?.(line));
  private readonly stdout = new StdoutMessages(
    { message: (message) => this.onmessage?.(message), error: (error) => this.onerror?.(error) },
    this.stray,
  );

  constructor(private readonly options: ProcessOptions) {}

  /** Spawn now (before start()), so the child boots while the caller loads its own modules. */
  spawn(): void {
    if (this.child) return;
    const { command, args, env, cwd } = this.options;
    const child = spawn(command, args, {
      env,
      cwd,
      stdio: ["pipe", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    this.child = child;
    this.spawnedAt = performance.now();
    this.exited = new Promise((resolve) => {
      child.once("error", (error) => {
        this.spawnError = spawnFailure(error as NodeJS.ErrnoException, command, args, cwd);
        this.onerror?.(error);
        resolve();
        this.finish();
      });
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
        // A process it started may hold stdout open (`sh -c "helper & exec server"`, a killed npx): "close" would
        // never come and the dead server would look up for the run. Its last replies are read meanwhile.
        setTimeout(() => this.finish(), EXIT_DRAIN_MS).unref();
      });
      // "close" comes after stdout is drained, so no late response is lost.
      child.once("close", () => this.finish());
    });
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => this.stdout.push(chunk));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => this.stderr.push(chunk));
    child.stdin?.on("error", () => {});
  }

  /** How it ended, in words for error lines: "exited with code 2", "killed by SIGKILL", "command not found". */
  get exitDescription(): string | undefined {
    if (this.exit) return this.exit.signal ? `killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`;
    return this.spawnError;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.spawn();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || this.exit || !stdin.writable) throw new NotRunning();
    const line = `${JSON.stringify(message)}\n`;
    if (!stdin.write(line)) await new Promise<void>((resolve) => stdin.once("drain", resolve));
  }

  /**
   * Close stdin, then SIGTERM the process group, then SIGKILL it after graceMs: by default 1.5 s, or long enough for
   * the last telemetry flush of a server that exports it (stopGraceMs).
   */
  async close(graceMs = stopGraceMs(this.options.env)): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      // The leader is gone; anything it left in its group goes too.
      this.signalGroup("SIGKILL");
      this.reaped = true;
      this.finish();
      return;
    }
    child.stdin?.end();
    const timer = setTimeout(() => this.signalGroup("SIGTERM"), Math.min(200, graceMs));
    const killer = setTimeout(() => this.signalGroup("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    clearTimeout(killer);
    // Grandchildren may outlive the leader: sweep the group.
    this.signalGroup("SIGKILL");
    this.reaped = true;
  }

  /** Synchronous last resort, for a forced exit. */
  killNow(): void {
    if (!this.reaped) this.signalGroup("SIGKILL");
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === "win32") this.child?.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.stderr.end();
    this.onclose?.();
  }
}
