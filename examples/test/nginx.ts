// nginx as a test's own child process: the Debian package's binary, with every path in a temp dir, running the
// config the README's "Deploy for a team" section shows (read from the README, so the two cannot drift apart).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { delimiter, join } from "node:path";
import { REPO } from "./helpers.js";

/** The nginx binary: on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"].filter(Boolean);
  return dirs.map((dir) => join(dir, "nginx")).find((file) => existsSync(file));
}

/** The README's nginx block (the one after `<!-- nginx-replicas -->`), as written. */
export function readmeNginxConfig(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const block = /<!-- nginx-replicas\b[^>]*-->\s*```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no nginx block after <!-- nginx-replicas -->");
  return block;
}

/**
 * The README's config with only what must differ on a test machine replaced: the listen port, each replica's
 * address (the README's 127.0.0.1:3001… to the ports the replicas picked) and the log folder. Each replaced text
 * must occur exactly once, so a README edit cannot silently escape the test.
 */
export function testConfig(
  readme: string,
  { port, replicas, logDir }: { port: number; replicas: Record<string, string>; logDir: string },
): string {
  const swaps: [string, string][] = [
    ["listen 8080;", `listen 127.0.0.1:${port};`],
    ...Object.entries(replicas).map(([from, to]): [string, string] => [`server ${from};`, `server ${to};`]),
    ["/var/log/nginx/", `${logDir}/`],
  ];
  let config = readme;
  for (const [from, to] of swaps) {
    const count = config.split(from).length - 1;
    if (count !== 1)
      throw new Error(`the README's nginx block has ${count} × "${from}"; the test replaces exactly one`);
    config = config.replace(from, to);
  }
  return config;
}

/**
 * The main config that Debian's /etc/nginx/nginx.conf would be, with nothing outside `dir`: pid, lock, temp paths,
 * no default access log, errors to stderr, and the site config included inside `http { }`. Two workers, so the
 * upstream `zone` (shared round-robin state) is exercised.
 */
function mainConfig(dir: string): string {
  return `daemon off;
worker_processes 2;
pid ${dir}/nginx.pid;
lock_file ${dir}/nginx.lock;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/mcp.conf;
}
`;
}

/** A running nginx. */
export interface Nginx {
  url: URL;
  child: ChildProcess;
  /** Its worker processes' pids, read from /proc. */
  workers: number[];
  /** What nginx wrote to stderr (its error log). */
  errors(): string;
  /** The access log so far, one record per line. */
  accessLog(): Promise<AccessRecord[]>;
  stop(): Promise<void>;
}

/** One line of the README's `mcp` log format. */
export interface AccessRecord {
  method: string;
  path: string;
  status: number;
  /** Every replica nginx tried, in order ("127.0.0.1:3001, 127.0.0.1:3002" in the log). */
  upstreams: string[];
  mcpMethod: string;
}

/** Parse a line of the `mcp` log format; fields nginx had no value for are "-". */
export function parseAccessLine(line: string): AccessRecord {
  const request = /"(\S+) (\S+) [^"]*" (\d{3}) /.exec(line);
  const fields = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!request || fields.upstream === undefined) throw new Error(`not an mcp access-log line: ${line}`);
  return {
    method: request[1] as string,
    path: request[2] as string,
    status: Number(request[3]),
    upstreams: fields.upstream === "-" ? [] : fields.upstream.split(/,\s*/),
    mcpMethod: fields.mcp_method ?? "-",
  };
}

/** Start nginx with `siteConfig(port)` on a free 127.0.0.1 port; everything it writes stays in `dir`. */
export async function startNginx(binary: string, dir: string, siteConfig: (port: number) => string): Promise<Nginx> {
  await writeFile(join(dir, "nginx.conf"), mainConfig(dir));
  // A free port can be taken between our probe and nginx's bind: try another a few times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeFile(join(dir, "mcp.conf"), siteConfig(port));
    try {
      return await launch(binary, dir, port);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function launch(binary: string, dir: string, port: number): Promise<Nginx> {
  const child = spawn(binary, ["-p", `${dir}/`, "-c", join(dir, "nginx.conf"), "-e", "stderr"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = new URL(`http://127.0.0.1:${port}/`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited at start:\n${errors}`);
    const up = await canConnect(port);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not answer on ${url} within 15 s:\n${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const logFile = join(dir, "mcp-access.log");
  return {
    url,
    child,
    workers: childPids(child.pid as number),
    errors: () => errors,
    async accessLog() {
      const text = existsSync(logFile) ? await readFile(logFile, "utf8") : "";
      return text.split("\n").filter(Boolean).map(parseAccessLine);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM"); // fast shutdown, workers too
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Does something accept TCP connections on 127.0.0.1:port? (A connection, not a request: nothing is logged.) */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Pids whose parent is `pid` (Linux /proc; empty elsewhere). */
export function childPids(pid: number): number[] {
  return livePids().filter((candidate) => statOf(candidate)?.ppid === pid);
}

/** Pids of processes that are running (not zombies), per /proc. */
export function livePids(): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const pids = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return pids.filter((pid) => {
    const stat = statOf(pid);
    return stat !== undefined && stat.state !== "Z";
  });
}

/** The command line of a process, "" once it is gone. */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** CPU time (clock ticks) used so far by `pid` and its children that are running: which replica is busy. */
export function cpuTicks(pid: number): number {
  return [pid, ...childPids(pid)].reduce((sum, each) => sum + (statOf(each)?.ticks ?? 0), 0);
}

function statOf(pid: number): { state: string; ppid: number; ticks: number } | undefined {
  try {
    // The command name is in parentheses and may hold spaces: fields start after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, fields 14 and 15 of proc(5), the 12th and 13th after the command name.
    return { state: fields[0] as string, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}
