import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, textOf } from "./helpers.js";

const BIN = path.resolve(import.meta.dirname, "../dist/cli.cjs");

/** Connect a real client to the built bin over stdio. */
async function stdio(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env: { PATH: process.env.PATH ?? "", ...env },
    stderr: "ignore",
    ...(cwd ? { cwd } : {}),
  });
  const client = new Client({ name: "smoke", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Run the bin to completion; for configuration errors. */
function run(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH ?? "", ...env },
      ...(cwd ? { cwd } : {}),
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("the built mcp-filesystem bin", () => {
  const ws = tempDir("fs-cli-");
  const root = path.join(ws.dir, "root");
  const other = path.join(ws.dir, "other");
  beforeAll(() => {
    expect(existsSync(BIN), "build the package first (pnpm test builds it)").toBe(true);
    mkdirSync(root);
    mkdirSync(other);
    writeFileSync(path.join(root, "hello.txt"), "hello from the bin");
    writeFileSync(path.join(other, "o.txt"), "other root");
  });
  afterAll(() => ws.cleanup());

  it("prints its name and the package's version with --version, as the agent does, and exits 0", () => {
    const printed = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(printed).toMatchObject({ status: 0, stdout: `mcp-filesystem ${version}\n`, stderr: "" });
  });

  it("answers initialize, tools/list and a call over stdio", async () => {
    const client = await stdio(["--root", root]);
    try {
      expect(client.getServerVersion()?.name).toBe("mcp-filesystem");
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(11);
      const result = (await client.callTool({ name: "read_file", arguments: { path: "hello.txt" } })) as CallToolResult;
      expect(textOf(result)).toBe("hello from the bin");
    } finally {
      await client.close();
    }
  });

  it("hides the write tools with --read-only, and with MCP_READ_ONLY=1 plus roots from MCP_WORKSPACE", async () => {
    const flag = await stdio(["--root", root, "--read-only"]);
    const env = await stdio([], { MCP_READ_ONLY: "1", MCP_WORKSPACE: [root, other].join(path.delimiter) });
    try {
      for (const client of [flag, env]) {
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toHaveLength(6);
        expect(names).not.toContain("write_file");
        expect(names).not.toContain("delete_file");
      }
      const second = (await env.callTool({
        name: "read_file",
        arguments: { path: path.join(other, "o.txt") },
      })) as CallToolResult;
      expect(textOf(second)).toBe("other root");
    } finally {
      await flag.close();
      await env.close();
    }
  });

  it("creates ./workspace when no root is given", async () => {
    const cwd = path.join(ws.dir, "cwd");
    mkdirSync(cwd);
    const client = await stdio([], {}, cwd);
    try {
      expect(existsSync(path.join(cwd, "workspace"))).toBe(true);
      const result = (await client.callTool({ name: "list_directory", arguments: {} })) as CallToolResult;
      expect(textOf(result)).toBe("[empty directory]");
    } finally {
      await client.close();
    }
  });

  it("names the roots it serves in one line at start-up", async () => {
    const cwd = path.join(ws.dir, "told");
    mkdirSync(cwd);
    const info = { MCP_LOG_LEVEL: "info" };
    const first = await run([], info, cwd);
    expect(first.code).toBe(0);
    const made = "created; removed if a client's roots replace it, or at exit, while it is still empty";
    const line = `[mcp-filesystem] info: roots: ${path.join(cwd, "workspace")} (default: ./workspace, ${made})\n`;
    expect(first.stderr).toContain(line);
    // Still empty when the server exited: removed, as it came.
    expect(existsSync(path.join(cwd, "workspace"))).toBe(false);
    // One that was there before is served as it is, and kept.
    mkdirSync(path.join(cwd, "workspace"));
    expect((await run([], info, cwd)).stderr).toContain(line.replace(`, ${made}`, ""));
    expect(existsSync(path.join(cwd, "workspace"))).toBe(true);
    expect((await run(["--root", root, "--root", cwd], info)).stderr).toContain(
      `[mcp-filesystem] info: roots: ${root}, ${cwd}\n`,
    );
  });

  it("says so on stderr when a line on stdin is not JSON-RPC, and still answers the next message", async () => {
    const { child, out, closed } = piped(root);
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    child.stdin.end(`Debugger listening on ws://127.0.0.1:9229\n${ping}\n`);
    await closed;
    expect(out.stderr).toContain(
      '[mcp-filesystem] warn: stdin: skipped a line that is not JSON-RPC ("Debugger listening on ws://127.0.0.1:9229"); stdio carries one JSON message per line',
    );
    expect(JSON.parse(out.stdout.split("\n")[0] ?? "")).toMatchObject({ id: 1, result: {} });
  });

  it("answers a malformed request with Invalid Request (a malformed response not at all), and goes on serving", async () => {
    const { child, out, closed } = piped(root);
    const lines = [
      { jsonrpc: "2.0", id: 1, method: 5 },
      { jsonrpc: "1.0", id: "two", method: "ping" },
      { jsonrpc: "2.0", id: 3, method: "ping", params: "x" },
      { jsonrpc: "2.0", id: null, method: "ping" },
      { jsonrpc: "2.0", id: 0, result: 5 },
      { jsonrpc: "2.0", id: 4, method: "ping" },
    ];
    child.stdin.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    await closed;
    const answers = out.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // Each is told what is wrong with it.
    const invalid = (why: string) => ({ code: -32600, message: `Invalid Request: ${why}` });
    expect(answers).toEqual([
      { jsonrpc: "2.0", id: 1, error: invalid('"method" must be a string, got 5') },
      {
        jsonrpc: "2.0",
        id: "two",
        error: { code: -32600, message: expect.stringMatching(/^Invalid Request: "jsonrpc" must be "2.0", got "1.0"/) },
      },
      { jsonrpc: "2.0", id: 3, error: invalid('"params" must be an object (MCP names every parameter), got a string') },
      { jsonrpc: "2.0", id: null, error: invalid('"id" must be a string or an integer, got null') },
      { jsonrpc: "2.0", id: 4, result: {} },
    ]);
  });

  it("takes a 2025-03-26 client's batch, answering each request by its id, and refuses one over 16 messages", async () => {
    const { child, out, closed } = piped(root);
    const clientInfo = { name: "batcher", version: "0" };
    const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
    const lines = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      [
        { jsonrpc: "2.0", id: 2, method: "tools/list" },
        ping(3),
        { jsonrpc: "2.0", method: "notifications/initialized" },
      ],
      Array.from({ length: 17 }, (_, i) => ping(100 + i)),
      ping(4),
    ];
    child.stdin.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    await closed;
    const answers = out.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: number; result?: { tools?: unknown[] }; error?: { message: string } })
      .sort((a, b) => a.id - b.id);
    expect(answers.map((answer) => answer.id)).toEqual([1, 2, 3, 4, ...Array.from({ length: 17 }, (_, i) => 100 + i)]);
    expect(answers[1]?.result?.tools?.length).toBeGreaterThan(5);
    expect(answers[2]).toEqual({ jsonrpc: "2.0", id: 3, result: {} });
    expect(answers[3]).toEqual({ jsonrpc: "2.0", id: 4, result: {} });
    for (const refused of answers.slice(4)) {
      expect(refused.error).toEqual({
        code: -32600,
        message:
          "Invalid Request: a batch may carry at most 16 messages, this one has 17, and none of them ran; send them in several batches or one per line",
      });
    }
  });

  it("says why on stderr when a message on stdin is over 32 MiB, which closes the connection, and exits", async () => {
    const { child, out, closed: exited } = piped(root);
    // The server stops reading mid-message, so the rest of the write may meet a closed pipe.
    child.stdin.on("error", () => {});
    const write = { name: "write_file", arguments: { path: "huge.txt", content: "x".repeat(33 * 1024 * 1024) } };
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: write })}\n`);
    expect(await exited).toBe(0);
    expect(out.stderr).toContain(
      "[mcp-filesystem] error: stdio: a message on stdin is longer than 33554432 bytes, the most this server reads at once; the connection is closed. Send less per request (a large file in parts: write the first, then add each next part with an edit)",
    );
    expect(out.stdout).toBe("");
    expect(existsSync(path.join(root, "huge.txt"))).toBe(false);
  });

  it("refuses to start in / with no --root, where Claude Desktop starts it, and makes no /workspace", async () => {
    const before = existsSync("/workspace");
    const { code, stderr } = await run([], {}, "/");
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr:
        "mcp-filesystem: no --root given and the working directory is / (Claude Desktop starts servers there); pass --root DIR (MCP_WORKSPACE) naming the folder to serve\n",
    });
    expect(existsSync("/workspace")).toBe(before);
  });

  it("says a relative --root is read from /, where Claude Desktop starts it, and asks for an absolute path", async () => {
    const before = existsSync("/workspace");
    const { code, stderr } = await run(["--root=workspace"], {}, "/");
    expect({ code, stderr }).toEqual({
      code: 2,
      stderr:
        "mcp-filesystem: --root workspace is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name /workspace; give --root DIR (MCP_WORKSPACE) as an absolute path\n",
    });
    expect(existsSync("/workspace")).toBe(before);
  });

  it("reads --audit-log ~/… as the home's and refuses a relative one in /, where Claude Desktop starts it", async () => {
    const home = path.join(ws.dir, "home");
    mkdirSync(home, { recursive: true });
    const atHome = await run(["--root", root, "--audit-log=~/audit.jsonl"], { HOME: home }, "/");
    expect(atHome).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/) });
    expect(existsSync(path.join(home, "audit.jsonl"))).toBe(true);
    expect(existsSync("/~")).toBe(false);
    const before = existsSync("/audit.jsonl");
    expect(await run(["--root", root, "--audit-log=audit.jsonl"], {}, "/")).toEqual({
      code: 2,
      stderr:
        "mcp-filesystem: --audit-log audit.jsonl is a relative path and the working directory is / (Claude Desktop starts servers there), so it would name /audit.jsonl; give --audit-log FILE (MCP_AUDIT_LOG) as an absolute path\n",
    });
    expect(existsSync("/audit.jsonl")).toBe(before);
  });

  it("warns at start about a misspelt setting in its environment, as a Claude Desktop env block may have", async () => {
    const { code, stderr } = await run(["--root", root], { MCP_READONLY: "1" });
    expect(code).toBe(0);
    expect(stderr).toContain(
      "[mcp-filesystem] warn: MCP_READONLY is not a setting of mcp-filesystem, so it is ignored; did you mean MCP_READ_ONLY?\n",
    );
  });

  it("refuses an empty --root in one line naming the flag, with exit code 2, before it logs any root", async () => {
    expect(await run(["--root="], {}, root)).toEqual({
      code: 2,
      stderr: 'mcp-filesystem: --root "" is empty: give --root DIR (MCP_WORKSPACE) naming the folder to serve\n',
    });
  });

  it("takes limits from flags and the environment", async () => {
    writeFileSync(path.join(root, "lines.txt"), "line\n".repeat(1000));
    const client = await stdio(["--root", root, "--max-response-bytes", "1024"], { MCP_FS_MAX_ENTRIES: "1" });
    try {
      const read = (await client.callTool({ name: "read_file", arguments: { path: "lines.txt" } })) as CallToolResult;
      expect(Buffer.byteLength(textOf(read))).toBeLessThanOrEqual(1024);
      expect(textOf(read)).toMatch(/\[showing lines 1–\d+ of 1000; call again with offset=\d+\]$/);
      const list = (await client.callTool({ name: "list_directory", arguments: {} })) as CallToolResult;
      expect(list.structuredContent).toMatchObject({ omitted: 1 });
    } finally {
      await client.close();
    }
  });

  it("names its flags in refusals: the limits, and --confirm to a client that cannot be asked", async () => {
    writeFileSync(path.join(root, "keep.txt"), "keep");
    writeFileSync(path.join(root, "more.txt"), "more");
    const client = await stdio(["--root", root, "--max-file-bytes", "10", "--confirm", "destructive"], {
      MCP_FS_MAX_SCAN_ENTRIES: "1",
    });
    try {
      const call = async (name: string, args: Record<string, unknown>) =>
        textOf((await client.callTool({ name, arguments: args })) as CallToolResult);
      expect(await call("write_file", { path: "big.txt", content: "x".repeat(11) })).toContain(
        "over the 10 B write limit, set by --max-file-bytes N (MCP_FS_MAX_FILE_BYTES); split it",
      );
      expect(await call("search_files", { pattern: "*.md" })).toContain(
        "[stopped after scanning 1 entry, the limit set by --max-scan-entries N (MCP_FS_MAX_SCAN_ENTRIES);",
      );
      expect(await call("search_files", { pattern: "*.md" })).toContain(
        "[stopped after scanning 1 entry, the limit set by --max-scan-entries N (MCP_FS_MAX_SCAN_ENTRIES);",
      );
      // This client declares no elicitation, so a deletion the user must approve is refused.
      expect(await call("delete_file", { path: "keep.txt" })).toContain(
        "as the server runs with --confirm destructive (MCP_CONFIRM),",
      );
      // Over stdio the client's lack of elicitation is the only cause: sessions (--stateful) are not mentioned.
      const refusal = await call("delete_file", { path: "keep.txt" });
      expect(refusal).toContain("this client cannot ask: it does not support elicitation (form mode).");
      expect(refusal).not.toContain("stateful");
    } finally {
      await client.close();
    }
  });

  it("refuses a bad limit at start-up", async () => {
    const { code, stderr } = await run(["--root", root, "--max-depth", "0"]);
    expect(code).toBe(2);
    expect(stderr).toBe('mcp-filesystem: --max-depth (MCP_FS_MAX_DEPTH) must be a whole number ≥ 1, got "0"\n');
  });

  it("hides --hide paths (and MCP_FS_HIDE ones) from every tool, and refuses one that names the root or leads out", async () => {
    mkdirSync(path.join(root, ".agent"), { recursive: true });
    writeFileSync(path.join(root, ".agent", "audit.jsonl"), "{}\n");
    for (const [args, env] of [
      [["--root", root, "--hide", ".agent"], {}],
      [[], { MCP_WORKSPACE: root, MCP_FS_HIDE: [".agent", "nothing-else"].join(path.delimiter) }],
    ] as [string[], Record<string, string>][]) {
      const client = await stdio(args, env);
      try {
        const read = (await client.callTool({
          name: "read_file",
          arguments: { path: ".agent/audit.jsonl" },
        })) as CallToolResult;
        expect(read.isError).toBe(true);
        expect(textOf(read)).toMatch(/kept from the file tools/);
        const listed = (await client.callTool({ name: "list_directory", arguments: {} })) as CallToolResult;
        expect(textOf(listed)).not.toContain(".agent");
      } finally {
        await client.close();
      }
    }
    for (const [entry, reason] of [
      [".", "names the root itself"],
      ["../x", "leads outside the workspace root"],
      ["/etc", "must be relative to the workspace root"],
    ]) {
      const { code, stderr } = await run(["--root", root, "--hide", entry as string]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `mcp-filesystem: --hide ${JSON.stringify(entry)}: ${reason}${reason === "names the root itself" ? "; hide something below it" : ""}\n`,
      );
    }
  });

  it("reads ~ in --hide as the home directory, as in --root: --root ~ --hide ~/.ssh keeps the home's .ssh hidden", async () => {
    // A client's config has no shell to expand either ~; the root is this test's folder, as HOME.
    mkdirSync(path.join(root, ".ssh"), { recursive: true });
    writeFileSync(path.join(root, ".ssh", "id_rsa"), "secret\n");
    const client = await stdio(["--root", "~", "--hide", "~/.ssh"], { HOME: root });
    try {
      for (const typed of ["~/.ssh/id_rsa", ".ssh/id_rsa"]) {
        const read = (await client.callTool({ name: "read_file", arguments: { path: typed } })) as CallToolResult;
        expect(read.isError).toBe(true);
        expect(textOf(read)).toMatch(/kept from the file tools/);
      }
    } finally {
      await client.close();
    }
    const { code, stderr } = await run(["--root", root, "--hide", "~/.ssh"], { HOME: "/nowhere" });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `mcp-filesystem: --hide "~/.ssh": /nowhere/.ssh is in none of the roots (${root}); give a path below a root\n`,
    );
  });

  it("reads MCP_WORKSPACE and MCP_FS_HIDE as JSON arrays, so a path with ':' or ',' is one path", async () => {
    // Split on ':', the root is an existing decoy folder plus a relative name: a split would serve the decoy.
    const decoy = path.join(ws.dir, "decoy");
    const colon = `${decoy}:b, c`;
    mkdirSync(decoy);
    writeFileSync(path.join(decoy, "decoy.txt"), "wrong root");
    mkdirSync(path.join(colon, "x:y"), { recursive: true });
    writeFileSync(path.join(colon, "in.txt"), "right root");
    writeFileSync(path.join(colon, "x:y", "secret.txt"), "hidden");
    const client = await stdio([], {
      MCP_WORKSPACE: JSON.stringify([colon]),
      MCP_FS_HIDE: JSON.stringify(["x:y"]),
    });
    try {
      const listed = textOf((await client.callTool({ name: "list_directory", arguments: {} })) as CallToolResult);
      expect(listed).toContain("in.txt");
      expect(listed).not.toContain("decoy.txt");
      expect(listed).not.toContain("x:y");
      const read = (await client.callTool({
        name: "read_file",
        arguments: { path: "x:y/secret.txt" },
      })) as CallToolResult;
      expect(read.isError).toBe(true);
      expect(textOf(read)).toMatch(/kept from the file tools/);
    } finally {
      await client.close();
    }
  });

  it("refuses an MCP_WORKSPACE that starts with '[' but is not a JSON array of strings, in one line", async () => {
    const { code, stderr } = await run([], { MCP_WORKSPACE: `[${root}]` });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^mcp-filesystem: MCP_WORKSPACE starts with "\[", so it is read as a JSON array of strings, but it is not valid JSON \(.*\); write it like \["\/srv\/a:b", "c,d"\]\n$/,
    );
  });

  it("fails at start-up in one line on a missing root, as a usage mistake", async () => {
    const missing = path.join(ws.dir, "missing");
    expect(await run(["--root", missing])).toEqual({
      code: 2,
      stderr: `mcp-filesystem: workspace root ${missing} does not exist; create it or set --root (MCP_WORKSPACE) to another directory\n`,
    });
  });

  it("names both the flag and MCP_WORKSPACE when the root came from the environment and is missing or a file", async () => {
    const missing = path.join(ws.dir, "missing");
    expect(await run([], { MCP_WORKSPACE: missing })).toEqual({
      code: 2,
      stderr: `mcp-filesystem: workspace root ${missing} does not exist; create it or set --root (MCP_WORKSPACE) to another directory\n`,
    });
    const file = path.join(root, "plain.txt");
    writeFileSync(file, "x");
    expect(await run([], { MCP_WORKSPACE: file })).toEqual({
      code: 2,
      stderr: `mcp-filesystem: workspace root ${file} is not a directory; set --root (MCP_WORKSPACE) to a directory\n`,
    });
  });

  it("fails at start-up in one line, as a usage mistake, on a --port something else listens on", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const env = { MCP_AUTH_TOKEN: "a-long-enough-shared-token-for-tests-0123456789" };
      const { code, stderr } = await run(["--root", root, "--transport", "http", "--port", String(port)], env);
      expect(code).toBe(2);
      expect(stderr).toContain(`port ${port} (--port, MCP_PORT) is already in use on 127.0.0.1`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  describe("over Streamable HTTP", () => {
    let child: ChildProcess;
    let url: URL;
    const token = "test-token-0123456789";
    beforeAll(async () => {
      child = spawn(process.execPath, [BIN, "--root", root, "--transport", "http", "--port", "0"], {
        env: { PATH: process.env.PATH ?? "", MCP_AUTH_TOKEN: token },
        stdio: ["ignore", "ignore", "pipe"],
      });
      url = await new Promise<URL>((resolve, reject) => {
        let log = "";
        child.stderr?.on("data", (chunk) => {
          log += chunk;
          const match = /serving MCP over Streamable HTTP at (\S+)/.exec(log);
          if (match?.[1]) resolve(new URL(match[1]));
        });
        child.on("exit", () => reject(new Error(`server exited: ${log}`)));
      });
    });
    afterAll(() => {
      child.kill("SIGTERM");
    });

    it("answers a client that sends the token", async () => {
      const client = new Client({ name: "smoke", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
      );
      try {
        expect((await client.listTools()).tools).toHaveLength(11);
        const result = (await client.callTool({
          name: "read_file",
          arguments: { path: "hello.txt" },
        })) as CallToolResult;
        expect(textOf(result)).toBe("hello from the bin");
      } finally {
        await client.close();
      }
    });

    it("answers 401 without the token", async () => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
    });
  });
});

/** The bin on pipes with `root`, its stdout and stderr collected; `closed` is its exit code once its pipes close. */
function piped(root: string) {
  const child = spawn(process.execPath, [BIN, "--root", root], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "" },
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    out.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    out.stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, out, closed };
}
