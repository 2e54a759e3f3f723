import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type CallToolResult, ResourceListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARENT_DEATH_SIGNAL_ENV } from "../src/parent-death.js";
import { dataOf, eventually, isAlive, tempDir, textOf } from "./helpers.js";

// The built bin, as Claude Desktop runs it. `pnpm test` builds first.
const bin = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const ENV = { PATH: process.env.PATH ?? "", MCP_LOG_LEVEL: "warn" };

describe("mcp-sqlite bin", () => {
  const tmp = tempDir();
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm --filter @mcp-toolkit/sqlite build first`);
  });
  afterAll(() => tmp.cleanup());

  const stdio = async (args: string[], env: Record<string, string> = ENV) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, ...args],
      env,
      stderr: "pipe",
    });
    const client = new Client({ name: "smoke", version: "0" });
    await client.connect(transport);
    return { client, pid: transport.pid as number };
  };

  it("tells the operator once, on stderr, that a file with SQLite's header but garbled pages cannot be opened", async () => {
    const db = join(tmp.dir, "garbled.db");
    writeFileSync(db, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(8000, 0xab)]));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "--db", db],
      env: ENV,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: "smoke", version: "0" });
    await client.connect(transport);
    try {
      for (const sql of ["SELECT 1", "SELECT 2"]) {
        const result = await client.callTool({ name: "execute_query", arguments: { sql } });
        expect(textOf(result as CallToolResult)).toMatch(
          /file is not a database\. Nothing ran: it is the server's database file/,
        );
      }
      expect(stderr.split("\n").filter((line) => line.includes("error:"))).toEqual([
        `[mcp-sqlite] error: could not open the database ${db}: file is not a database`,
      ]);
    } finally {
      await client.close();
    }
  });

  it("exits 0 when its client closes stdin, after the executor has checkpointed and closed the database", async () => {
    const db = join(tmp.dir, "closing.db");
    const child = spawn(process.execPath, [bin, "--db", db], { env: ENV, stdio: ["pipe", "pipe", "pipe"] });
    const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    let out = "";
    const answered = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk;
        if (out.includes('"id":2')) resolve();
      }),
    );
    send({
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    });
    send({ method: "notifications/initialized" });
    send({ id: 2, method: "tools/call", params: { name: "execute_write", arguments: { sql: "CREATE TABLE t (n)" } } });
    await answered;
    expect(existsSync(`${db}-wal`)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.stdin.end(); // stdin reports both "end" and "close": neither may cut the close short
    expect(await exited).toBe(0);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it("serves stdio: creates the database and its folder, lists tools, runs a query", async () => {
    const db = join(tmp.dir, "new", "folder", "data.db");
    const { client } = await stdio(["--db", db]);
    try {
      expect(client.getServerVersion()?.name).toBe("mcp-sqlite");
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        "describe_table",
        "execute_query",
        "execute_transaction",
        "execute_write",
        "list_tables",
      ]);
      await client.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (n)" } });
      await client.callTool({ name: "execute_write", arguments: { sql: "INSERT INTO t VALUES (?)", params: [41] } });
      const result = (await client.callTool({
        name: "execute_query",
        arguments: { sql: "SELECT n + 1 AS m FROM t" },
      })) as CallToolResult;
      expect(dataOf(result)).toEqual({ columns: ["m"], rows: [[42]], rowCount: 1 });
      expect(existsSync(db)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("--read-only hides the write tools", async () => {
    const db = join(tmp.dir, "new", "folder", "data.db");
    const { client } = await stdio(["--db", db, "--read-only"]);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["describe_table", "execute_query", "list_tables"]);
    } finally {
      await client.close();
    }
  });

  it("holds the executor to --max-memory-mb, and names the flag when a statement needs more", async () => {
    const { client } = await stdio(["--db", join(tmp.dir, "memory.db"), "--max-memory-mb", "200"]);
    try {
      const result = (await client.callTool({
        name: "execute_query",
        arguments: { sql: "SELECT length(printf('%.*c', 250000000, 'x')) AS n" },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(
        /memory limit of 200 MiB, set by --max-memory-mb MIB \(MCP_SQLITE_MAX_MEMORY_MB\)/,
      );
    } finally {
      await client.close();
    }
  });

  it("holds a transaction's reply to --max-bytes, and names the flag in its note", async () => {
    const { client } = await stdio(["--db", join(tmp.dir, "capped.db"), "--max-bytes", "1000"]);
    try {
      const statements = [
        { sql: "CREATE TABLE q (id INTEGER PRIMARY KEY)" },
        ...Array.from({ length: 99 }, () => ({ sql: "INSERT INTO q DEFAULT VALUES RETURNING id" })),
      ];
      const result = (await client.callTool({
        name: "execute_transaction",
        arguments: { statements },
      })) as CallToolResult;
      const text = (result.content[0] as { text: string }).text;
      expect(result.isError).toBeFalsy();
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
      expect(text).toMatch(/capped at 1000 bytes \(set by --max-bytes N \(MCP_SQLITE_MAX_BYTES\)\)/);
    } finally {
      await client.close();
    }
  });

  it("serves the resources and prompts, and tells a stdio client when a table is created", async () => {
    const { client } = await stdio(["--db", join(tmp.dir, "resources.db")]);
    try {
      let told = 0;
      client.setNotificationHandler(ResourceListChangedNotificationSchema, async () => {
        told++;
      });
      await client.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (n)" } });
      expect(told).toBe(1);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).toEqual(["sqlite://schema", "sqlite://stats", "sqlite://table/t"]);
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(["explore-database", "write-query", "analyze-table"]);
    } finally {
      await client.close();
    }
  });

  it("tells a stdio client of a table that another process creates in the file (here, this test's own connection)", async () => {
    const path = join(tmp.dir, "elsewhere.db");
    new Database(path).exec("CREATE TABLE first (n)").close();
    const { client } = await stdio(["--db", path, "--read-only"]);
    try {
      let told = 0;
      client.setNotificationHandler(ResourceListChangedNotificationSchema, async () => {
        told++;
      });
      expect((await client.listResources()).resources.map((r) => r.uri)).toContain("sqlite://table/first");
      new Database(path).exec("CREATE TABLE second (n)").close();
      expect(await eventually(() => told === 1)).toBe(true);
      expect((await client.listResources()).resources.map((r) => r.uri)).toContain("sqlite://table/second");
    } finally {
      await client.close();
    }
  });

  it("--confirm destructive refuses a DROP from a client that cannot be asked, naming the flag", async () => {
    const { client } = await stdio(["--db", join(tmp.dir, "confirm.db"), "--confirm", "destructive"]);
    try {
      await client.callTool({ name: "execute_write", arguments: { sql: "CREATE TABLE t (n)" } });
      const result = (await client.callTool({
        name: "execute_write",
        arguments: { sql: "DROP TABLE t" },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(
        /table \\"t\\" and its 0 rows needs the user's confirmation, as the server runs with --confirm destructive \(MCP_CONFIRM\),/,
      );
      const { tables } = dataOf<{ tables: unknown[] }>(
        (await client.callTool({ name: "list_tables" })) as CallToolResult,
      );
      expect(tables).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("--help says exactly which writes --confirm destructive asks about, and which it does not", () => {
    const help = spawnSync(process.execPath, [bin, "--help"], { env: ENV, encoding: "utf8" });
    const text = help.stdout.replace(/\s+/g, " ");
    expect(text).toContain("drops a table, view, index or trigger, deletes every row of a table");
    expect(text).toContain("or REPLACEs (INSERT OR REPLACE) into a rowid table. Not asked: UPDATE, upserts");
  });

  it("refuses bad settings at start-up, in one line", async () => {
    const [missing, folder, underFile, rows, memory, confirm] = await Promise.all([
      run(["--read-only", "--db", join(tmp.dir, "missing.db")]),
      run(["--db", tmp.dir]),
      run(["--db", join(bin, "data.db")]),
      run(["--max-rows", "lots"]),
      run(["--max-memory-mb", "100"]),
      run(["--confirm", "always"]),
    ]);
    expect(confirm).toEqual({
      code: 2,
      stderr: 'mcp-sqlite: --confirm (MCP_CONFIRM) must be never or destructive, got "always"\n',
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^mcp-sqlite: --db .*missing\.db: no such file, and --read-only cannot create it\n$/,
    );
    expect(folder).toEqual({ code: 2, stderr: `mcp-sqlite: --db ${tmp.dir} is a directory, not a database file\n` });
    expect(underFile).toEqual({
      code: 2,
      stderr: `mcp-sqlite: --db ${join(bin, "data.db")} cannot be created: ${bin} is not a directory\n`,
    });
    expect(rows).toEqual({
      code: 2,
      stderr: 'mcp-sqlite: --max-rows (MCP_SQLITE_MAX_ROWS) must be a whole number ≥ 1, got "lots"\n',
    });
    expect(memory).toEqual({
      code: 2,
      stderr: 'mcp-sqlite: --max-memory-mb (MCP_SQLITE_MAX_MEMORY_MB) must be a whole number ≥ 160, got "100"\n',
    });
  });

  it("asks for a path when --db or MCP_SQLITE_DB is empty, instead of serving SQLite's temporary database", async () => {
    const empty =
      'mcp-sqlite: --db "" is empty: give the database file\'s path (or ":memory:" for a database that is gone when the server stops)\n';
    expect(await run(["--db", ""])).toEqual({ code: 2, stderr: empty });
    expect(await run([], { MCP_SQLITE_DB: "" })).toEqual({ code: 2, stderr: empty });
  });

  // Permissions bind root only through another user: run the bin as nobody then, as a desktop user runs it. Where
  // nobody cannot run this checkout's bin (a clone under a private home), root cannot show the refusal at all.
  const asRoot = process.getuid?.() === 0;
  const nobody = { uid: 65534, gid: 65534 };
  const nobodyRunsBin = asRoot && spawnSync(process.execPath, [bin, "--version"], nobody).status === 0;
  it.skipIf(asRoot && !nobodyRunsBin)(
    "refuses a database this user cannot write, or a folder it cannot create it in, at start-up in one line",
    async () => {
      const user = asRoot ? nobody : undefined;
      const locked = join(tmp.dir, "locked");
      mkdirSync(locked);
      const readOnlyFile = join(locked, "ro.db");
      new Database(readOnlyFile).exec("CREATE TABLE kept (n)").close();
      chmodSync(readOnlyFile, 0o444);
      // Writable, but SQLite could not make its -wal and -shm beside it; with them there already, it can write.
      const inLockedFolder = join(locked, "rw.db");
      const withWalFiles = join(locked, "wal.db");
      for (const file of [inLockedFolder, withWalFiles, `${withWalFiles}-wal`, `${withWalFiles}-shm`]) {
        writeFileSync(file, "");
        chmodSync(file, 0o666);
      }
      chmodSync(locked, 0o555);
      chmodSync(tmp.dir, 0o755);
      try {
        const [placeholder, notWritable, readOnly, noWalFiles, walFiles] = await Promise.all([
          run(["--db", join(locked, "PATH/TO/YOUR/WORKSPACE/data.db")], {}, undefined, user),
          run(["--db", readOnlyFile], {}, undefined, user),
          run(["--db", readOnlyFile, "--read-only"], {}, undefined, user),
          run(["--db", inLockedFolder], {}, undefined, user),
          run(["--db", withWalFiles], {}, undefined, user),
        ]);
        expect(noWalFiles).toEqual({
          code: 2,
          stderr: `mcp-sqlite: --db ${inLockedFolder} is in ${locked}, where this user cannot make the -wal and -shm files SQLite writes beside it; make the folder writable, or give --read-only to serve it read-only\n`,
        });
        expect(walFiles).toEqual({ code: 0, stderr: "" });
        expect(placeholder).toEqual({
          code: 2,
          stderr: `mcp-sqlite: --db ${join(locked, "PATH/TO/YOUR/WORKSPACE/data.db")} cannot be created: ${locked} is not writable by this user\n`,
        });
        expect(notWritable).toEqual({
          code: 2,
          stderr: `mcp-sqlite: --db ${readOnlyFile} is not writable by this user; give --read-only to serve it read-only\n`,
        });
        expect(readOnly).toEqual({ code: 0, stderr: "" });
        expect(existsSync(join(locked, "PATH"))).toBe(false);
      } finally {
        chmodSync(locked, 0o755);
      }
    },
  );

  it("names the database it serves in one line at start-up, and stops when stdin closes", async () => {
    const db = join(tmp.dir, "named.db");
    const fresh = await run(["--db", db], { MCP_LOG_LEVEL: "info" });
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toContain(`[mcp-sqlite] info: database: ${db} (new: created when first opened)\n`);
    const memory = await run(["--db", ":memory:", "--read-only"], { MCP_LOG_LEVEL: "info" });
    expect(memory.stderr).toContain("[mcp-sqlite] info: database: :memory: (in memory, read-only: empty)\n");
    const scratch = await run(["--db", ":memory:"], { MCP_LOG_LEVEL: "info" });
    expect(scratch.stderr).toContain(
      "[mcp-sqlite] info: database: :memory: (a scratch file in the temporary directory, gone when the server stops)\n",
    );
  });

  it("refuses a relative --db in /, where Claude Desktop starts it, and makes no /workspace", async () => {
    const before = existsSync("/workspace");
    expect(await run(["--db=workspace/data.db"], {}, "/")).toEqual({
      code: 2,
      stderr:
        "mcp-sqlite: --db workspace/data.db is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name /workspace/data.db; give --db PATH (MCP_SQLITE_DB) as an absolute path\n",
    });
    expect(existsSync("/workspace")).toBe(before);
  });

  it("reads --db ~/… as the home's, as a client's config has no shell to expand it, and makes no folder named ~", async () => {
    const home = join(tmp.dir, "home");
    mkdirSync(home);
    const served = await run(["--db=~/mcp/data.db"], { MCP_LOG_LEVEL: "info", HOME: home }, "/");
    expect(served.code).toBe(0);
    expect(served.stderr).toContain(`[mcp-sqlite] info: database: ${join(home, "mcp/data.db")} (new: created`);
    expect(existsSync("/~")).toBe(false);
  });

  it("refuses its default database in /, where Claude Desktop starts it, and makes no /workspace", async () => {
    const before = existsSync("/workspace");
    expect(await run([], {}, "/")).toEqual({
      code: 2,
      stderr:
        "mcp-sqlite: no --db given and the working directory is / (Claude Desktop starts servers there); pass --db PATH (MCP_SQLITE_DB) naming the database file\n",
    });
    expect(existsSync("/workspace")).toBe(before);
  });

  // With setpriv the kernel kills the executor (PR_SET_PDEATHSIG); with no setpriv on PATH, its watchdog thread does.
  it.each([
    ["setpriv, where it can", ENV, canSetPdeathsig()],
    ["the watchdog thread, without setpriv", { ...ENV, PATH: "/nonexistent" }, false],
  ])("kills its executor when the server itself is killed mid-query: %s", async (_how, env, pdeathsig) => {
    const { client, pid } = await stdio(
      ["--db", join(tmp.dir, `orphan-${pdeathsig}.db`), "--timeout-ms", "60000"],
      env,
    );
    const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    void client.callTool({ name: "execute_query", arguments: { sql: endless } }).catch(() => {});
    expect(await eventually(() => childrenOf(pid).length > 0)).toBe(true);
    const executor = childrenOf(pid)[0] as number;
    // Stuck inside SQLite: it has burned well over the CPU its start-up needs.
    expect(await eventually(() => cpuTicks(executor) > 50, 10_000)).toBe(true);
    expect(readFileSync(`/proc/${executor}/environ`, "utf8").includes(`${PARENT_DEATH_SIGNAL_ENV}=1`)).toBe(pdeathsig);
    process.kill(pid, "SIGKILL");
    expect(await eventually(() => !isAlive(executor), 5000)).toBe(true);
    await client.close().catch(() => {});
  });

  it("serves Streamable HTTP on port 0 with a bearer token, and answers 401 without it", async () => {
    const child = spawn(
      process.execPath,
      [bin, "--transport", "http", "--port", "0", "--db", join(tmp.dir, "http.db")],
      {
        env: { ...ENV, MCP_LOG_LEVEL: "info", MCP_AUTH_TOKEN: "test-token-123" },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
      const url = await servingUrl(child);
      const unauthorized = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(unauthorized.status).toBe(401);
      const client = new Client({ name: "smoke", version: "0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: "Bearer test-token-123" } },
        }),
      );
      expect((await client.listTools()).tools).toHaveLength(5);
      const result = (await client.callTool({
        name: "execute_query",
        arguments: { sql: "SELECT 7 AS n" },
      })) as CallToolResult;
      expect(dataOf(result)).toMatchObject({ rows: [[7]] });
      await client.close();
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.on("exit", resolve));
    }
  });
});

/** Run the bin to its exit with `args`; its exit code and stderr. */
function run(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  user?: { uid: number; gid: number },
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...ENV, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    ...(cwd ? { cwd } : {}),
    ...user,
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

/** The URL the server prints on stderr once it listens. */
function servingUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stderr?.on("data", (chunk) => {
      seen += chunk;
      const match = /serving MCP over Streamable HTTP at (\S+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`server exited before listening: ${seen}`)));
  });
}

/** Child pids of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whether this machine's setpriv can set a parent-death signal (util-linux 2.33 or later). */
function canSetPdeathsig(): boolean {
  return spawnSync("setpriv", ["--pdeathsig", "KILL", "true"]).status === 0;
}

/** User-mode CPU time of `pid` in clock ticks (1/100 s), from /proc. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[11]);
  } catch {
    return 0;
  }
}
