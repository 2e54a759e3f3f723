import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, describe, expect, it, vi } from "vitest";
import { REPO, run, startUntil, textOf, tsxArgs } from "./helpers.js";

// The README runs examples as `pnpm tsx examples/<file>.ts` from the repo root. One test does exactly that;
// the rest use node with tsx's loader, the same thing without pnpm's and tsx's wrapper processes (≈1 s faster each).
const pnpmTsx = (file: string) => run("pnpm", ["tsx", file], { cwd: REPO, timeoutMs: 25_000 });
const nodeTsx = (file: string) => run(process.execPath, tsxArgs(file), { cwd: REPO });

// Each test starts Node processes; on a busy machine that can take a while, so allow more than the default.
vi.setConfig({ testTimeout: 60_000 });

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-examples-test-"));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("self-contained examples", () => {
  it("in-memory.ts lists our tools, writes a file and reads it back", async () => {
    const { code, stdout, stderr } = await pnpmTsx("examples/in-memory.ts");
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tools: .*\bwrite_file\b/m);
    expect(stdout).toMatch(/^read_file: .*Hello from memory!/m);
  });

  it("custom-tool.ts serves count_words next to the filesystem tools", async () => {
    const { code, stdout } = await nodeTsx("examples/custom-tool.ts");
    expect(code).toBe(0);
    const tools = /^tools: (.*)$/m.exec(stdout)?.[1]?.split(", ") ?? [];
    // A tool that is callable but missing from tools/list is invisible to a model.
    expect(tools, "count_words must appear in tools/list next to ours").toContain("count_words");
    expect(tools).toContain("read_file");
    expect(tools).not.toContain("write_file"); // the example asks for a read-only server
    expect(stdout).toContain('count_words: {"words":7,"lines":2}');
  });

  it("two-instances.ts keeps the two servers' roots and modes apart", async () => {
    const { code, stdout } = await nodeTsx("examples/two-instances.ts");
    expect(code).toBe(0);
    const docsTools = /^docs tools: (.*)$/m.exec(stdout)?.[1]?.split(", ") ?? [];
    const scratchTools = /^scratch tools: (.*)$/m.exec(stdout)?.[1]?.split(", ") ?? [];
    expect(docsTools).toContain("read_file");
    expect(docsTools).not.toContain("write_file");
    expect(scratchTools).toContain("write_file");
    expect(stdout).toContain("docs read_file guide.md: # Guide");
    expect(stdout).toContain("scratch write_file notes.md: ok");
    expect(stdout).toMatch(/^docs read_file notes\.md: error/m);
  });
});

describe("stdio-server.ts", () => {
  it("serves the filesystem over stdio to a real client, rooted where it was told", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "seed.txt"), "seeded\n");
    const client = new Client({ name: "examples-test", version: "1.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: tsxArgs("examples/stdio-server.ts", dir),
      cwd: REPO,
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("write_file");
      expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "seed.txt" } }))).toContain("seeded");
      const wrote = await client.callTool({
        name: "write_file",
        arguments: { path: "out.txt", content: "from stdio" },
      });
      expect(wrote.isError).toBeFalsy();
      expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("from stdio");
    } finally {
      await client.close();
    }
  });
});

describe("http-app.ts", () => {
  it("mounts the server on its own app behind a bearer token", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "report.md"), "# Q3\n");
    const token = "example-token-123";
    const app = await startUntil(process.execPath, tsxArgs("examples/http-app.ts", dir), /MCP endpoint: (\S+)/, {
      env: { ...process.env, MCP_AUTH_TOKEN: token, PORT: "0", HOST: "127.0.0.1" },
    });
    try {
      const url = new URL(app.match[1] as string);
      // The app's own routes still work.
      expect((await fetch(new URL("/", url))).status).toBe(200);
      // The MCP endpoint refuses a missing or wrong token.
      const init = { jsonrpc: "2.0", id: 1, method: "tools/list" };
      const post = (auth?: string) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
          body: JSON.stringify(init),
        });
      expect((await post()).status).toBe(401);
      expect((await post("Bearer wrong")).status).toBe(401);

      const client = new Client({ name: "examples-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
      );
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("read_file");
      expect(tools.map((t) => t.name)).not.toContain("write_file"); // mounted read-only
      expect(textOf(await client.callTool({ name: "read_file", arguments: { path: "report.md" } }))).toContain("# Q3");
      await client.close();
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });

  it("refuses to start without MCP_AUTH_TOKEN, in one line", async () => {
    const dir = join(await tempDir(), "never-created");
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0" };
    delete env.MCP_AUTH_TOKEN;
    const { code, stderr } = await run(process.execPath, tsxArgs("examples/http-app.ts", dir), { env });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("http-app: set MCP_AUTH_TOKEN, e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32)");
    expect(existsSync(dir)).toBe(false);
  });
});

describe("commonjs.cjs", () => {
  it("serves both protocol eras from a CommonJS program that imports the SDK", async () => {
    const { code, stdout, stderr } = await run(process.execPath, ["examples/commonjs.cjs"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2026-07-28: \d+ tools$/m);
    expect(stdout).toMatch(/^2025-11-25: \d+ tools$/m);
  });

  it("needs import(): the SDK's require()d CommonJS copy answers a 2026-07-28 client with HTTP 500", async () => {
    // What the README and the example warn about; should the SDK's two builds come to agree, both can say less.
    const dir = await tempDir();
    const source = await readFile(join(REPO, "examples/commonjs.cjs"), "utf8");
    const required = source.replace(
      'await import("@modelcontextprotocol/server")',
      'require("@modelcontextprotocol/server")',
    );
    expect(required).not.toBe(source);
    // Beside the example, so require() resolves the packages as it does.
    const file = join(REPO, "examples", `.commonjs-required-${process.pid}.cjs`);
    await writeFile(file, required);
    dirs.push(file);
    const { code, stderr } = await run(process.execPath, [file], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain("HTTP 500");
  });
});
