// A 2025-era client's roots, with the real v1 SDK client declaring `roots`: in process (the library's default,
// narrow), and through the shipped bin over stdio (no --root: the client's roots replace ./workspace, and the
// ./workspace the bin made is removed while still empty, so the project is left as it was).
import { mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { afterEach, describe, expect, it } from "vitest";
import type { FilesystemServerOptions } from "../src/options.js";
import { ROOTS_WAIT_MS } from "../src/roots-gate.js";
import { createFilesystemServerFactory } from "../src/server.js";
import { tempDir, withoutVersion } from "./helpers.js";

const CLI = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A workspace with two folders, a file in each, and a folder beside it. */
function layout() {
  const { dir, cleanup } = tempDir("fs-roots-");
  cleanups.push(cleanup);
  for (const sub of ["ws/app", "ws/lib", "elsewhere"]) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, "ws/app/main.ts"), "app");
  writeFileSync(path.join(dir, "ws/lib/util.ts"), "lib");
  writeFileSync(path.join(dir, "elsewhere/secret.txt"), "not for you");
  return { dir, ws: path.join(dir, "ws") };
}

/**
 * A v1 client that declares roots and answers roots/list with `roots` (which the test may change), running
 * `beforeAnswer` first.
 */
function rootsClient(roots: { current: string[] }, beforeAnswer?: () => void | Promise<void>) {
  const client = new Client({ name: "ide", version: "1.0.0" }, { capabilities: { roots: { listChanged: true } } });
  let asked = 0;
  client.setRequestHandler(ListRootsRequestSchema, async () => {
    await beforeAnswer?.();
    asked++;
    return { roots: roots.current.map((dir) => ({ uri: pathToFileURL(dir).href, name: path.basename(dir) })) };
  });
  const text = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as { content: { text?: string }[] };
    return withoutVersion(result.content.map((c) => c.text ?? "").join(""));
  };
  return { client, text, asked: () => asked };
}

async function inProcess(options: FilesystemServerOptions, roots: { current: string[] }) {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
  const factory = createFilesystemServerFactory({ ...options, logger });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(factory, { transport: serverSide });
  const ide = rootsClient(roots);
  await ide.client.connect(clientSide as never);
  cleanups.push(
    () => ide.client.close(),
    () => served.close(),
    () => factory.close(),
  );
  await expect.poll(ide.asked).toBe(1);
  return { ...ide, warnings };
}

describe("client roots, in process (narrow)", () => {
  it("a client root inside --root narrows the workspace to it", async () => {
    const { ws } = layout();
    const { text } = await inProcess({ root: ws }, { current: [path.join(ws, "app")] });
    expect(await text("list_directory", { path: "." })).toMatch(/main\.ts/);
    expect(await text("read_file", { path: path.join(ws, "lib/util.ts") })).toMatch(/outside the workspace root/);
  });

  it("a client root outside --root is ignored with a warning, and the configured root stays", async () => {
    const { dir, ws } = layout();
    const { text, warnings } = await inProcess({ root: ws }, { current: [path.join(dir, "elsewhere")] });
    await expect
      .poll(() => warnings)
      .toEqual([
        `client root ${pathToFileURL(path.join(dir, "elsewhere")).href} ignored: outside the configured roots (${ws})`,
      ]);
    expect(await text("read_file", { path: path.join(dir, "elsewhere/secret.txt") })).toMatch(/outside the workspace/);
    expect(await text("read_file", { path: "lib/util.ts" })).toBe("lib");
  });

  it("asks again on roots/list_changed and follows the new roots", async () => {
    const { ws } = layout();
    const roots = { current: [path.join(ws, "app")] };
    const { client, text, asked } = await inProcess({ root: ws }, roots);
    expect(await text("read_file", { path: "main.ts" })).toBe("app");
    roots.current = [path.join(ws, "lib")];
    await client.sendRootsListChanged();
    await expect.poll(asked).toBe(2);
    await expect.poll(() => text("read_file", { path: "util.ts" })).toBe("lib");
    expect(await text("read_file", { path: path.join(ws, "app/main.ts") })).toMatch(/outside the workspace root/);
  });

  it("a client that declares roots and never answers: calls run on the configured root after the bound, with a warning", async () => {
    const { ws } = layout();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const factory = createFilesystemServerFactory({ root: ws, logger });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const served = serveStdio(factory, { transport: serverSide });
    const ide = rootsClient({ current: [] }, () => new Promise(() => {}));
    await ide.client.connect(clientSide as never);
    cleanups.push(
      () => ide.client.close(),
      () => served.close(),
      () => factory.close(),
    );
    expect(await ide.text("read_file", { path: "lib/util.ts" })).toBe("lib");
    expect(warnings).toEqual([`client roots: no answer within ${ROOTS_WAIT_MS} ms; calls go on with ${ws}`]);
    // Given up on once: the next call neither waits again for the same answer nor warns again.
    expect(await ide.text("read_file", { path: "app/main.ts" })).toBe("app");
    expect(warnings).toHaveLength(1);
  });

  it("when two answers cross, the roots asked for last win", async () => {
    const { ws } = layout();
    const logged: string[] = [];
    const log = (m: string) => void logged.push(m);
    const factory = createFilesystemServerFactory({
      root: ws,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const served = serveStdio(factory, { transport: serverSide });
    const client = new Client({ name: "ide", version: "1.0.0" }, { capabilities: { roots: { listChanged: true } } });
    // The first roots/list (asked at initialization, for app/) is held until the second (for lib/) has been answered.
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let asked = 0;
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      const dir = ++asked === 1 ? "app" : "lib";
      if (asked === 1) await firstHeld;
      return { roots: [{ uri: pathToFileURL(path.join(ws, dir)).href }] };
    });
    await client.connect(clientSide as never);
    cleanups.push(
      () => client.close(),
      () => served.close(),
      () => factory.close(),
    );
    const read = async (file: string) =>
      withoutVersion(
        ((await client.callTool({ name: "read_file", arguments: { path: file } })) as { content: { text: string }[] })
          .content[0]?.text ?? "",
      );
    await expect.poll(() => asked).toBe(1);
    await client.sendRootsListChanged();
    await expect.poll(() => read("util.ts")).toBe("lib");
    releaseFirst();
    // The older answer (app/) arrives last, and is set aside.
    await expect
      .poll(() => logged)
      .toContain("client roots: an older answer (request 1) came after a newer one; not applied");
    expect(await read("util.ts")).toBe("lib");
    expect(await read(path.join(ws, "app/main.ts"))).toMatch(/outside the workspace root/);
    expect(logged.filter((m) => m.startsWith("roots from the client"))).toEqual([
      `roots from the client: ${realpathSync(path.join(ws, "lib"))}`,
    ]);
  });

  it("keeps --hide under the configured root when a client narrows", async () => {
    const { ws } = layout();
    mkdirSync(path.join(ws, "app/private"));
    writeFileSync(path.join(ws, "app/private/key"), "k");
    const { text } = await inProcess({ root: ws, hide: ["app/private"] }, { current: [path.join(ws, "app")] });
    expect(await text("read_file", { path: "private/key" })).toMatch(/--hide/);
    expect(await text("list_directory", { path: "." })).not.toMatch(/private/);
  });
});

describe("client roots through the shipped bin", () => {
  /** The bin started in `cwd` with no --root, by an IDE client offering `roots`; its stderr so far. */
  async function startBin(
    cwd: string,
    roots: { current: string[] },
    beforeAnswer?: () => void | Promise<void>,
    waitForRoots = true,
  ) {
    const ide = rootsClient(roots, beforeAnswer);
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI], cwd, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    await ide.client.connect(transport);
    cleanups.push(() => ide.client.close());
    if (waitForRoots) await expect.poll(ide.asked).toBe(1);
    return { ...ide, transport, stderr: () => stderr };
  }

  it("with no --root, the client's root [ws2] replaces ./workspace, which it made and so removes", async () => {
    const { dir } = layout();
    const ws2 = path.join(dir, "elsewhere");
    const ide = await startBin(dir, { current: [ws2] });
    await expect.poll(() => ide.text("read_file", { path: "secret.txt" })).toBe("not for you");
    expect(await ide.text("list_directory", { path: "." })).toMatch(/secret\.txt/);
    await expect
      .poll(ide.stderr)
      .toContain(
        `roots from the client: ${ws2}; ${path.join(dir, "workspace")} removed (this server made it, and it was still empty)\n`,
      );
    expect(ide.stderr()).toContain("(default: ./workspace, created; removed if a client's roots replace it");
    expect(readdirSync(dir).sort()).toEqual(["elsewhere", "ws"]);
  });

  it("a call sent before the roots answer comes waits for it, and runs in the client's root", async () => {
    const { dir } = layout();
    const ws2 = path.join(dir, "elsewhere");
    // The client answers roots/list late; its first call goes out at once, as a model's does.
    const ide = await startBin(
      dir,
      { current: [ws2] },
      () => new Promise((resolve) => setTimeout(resolve, 300)),
      false,
    );
    expect(await ide.text("write_file", { path: "report.md", content: "# Report" })).toMatch(/^created/);
    expect(readFileSync(path.join(ws2, "report.md"), "utf8")).toBe("# Report");
    expect(await ide.text("read_file", { path: "report.md" })).toBe("# Report");
    expect(readdirSync(dir).sort()).toEqual(["elsewhere", "ws"]);
  });

  it("leaves no ./workspace behind when it exits and nothing was put in it", async () => {
    const { dir } = layout();
    // A client without roots: the bin serves the ./workspace it made, and nothing is written there.
    const client = new Client({ name: "plain", version: "1.0.0" });
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI], cwd: dir, stderr: "pipe" });
    await client.connect(transport);
    expect(readdirSync(dir).sort()).toEqual(["elsewhere", "workspace", "ws"]);
    await client.close();
    await expect.poll(() => readdirSync(dir).sort()).toEqual(["elsewhere", "ws"]);
  });

  it("keeps a ./workspace that was there before it started, even an empty one", async () => {
    const { dir } = layout();
    mkdirSync(path.join(dir, "workspace"));
    const ide = await startBin(dir, { current: [path.join(dir, "elsewhere")] });
    await expect.poll(ide.stderr).toMatch(/roots from the client: .*elsewhere\n/);
    expect(ide.stderr()).not.toMatch(/removed/);
    expect(readdirSync(path.join(dir, "workspace"))).toEqual([]);
  });

  it("keeps the ./workspace it made once something was put in it", async () => {
    const { dir } = layout();
    const workspace = path.join(dir, "workspace");
    // Written while the server waits for the roots, in the folder it made.
    const ide = await startBin(dir, { current: [path.join(dir, "elsewhere")] }, () =>
      writeFileSync(path.join(workspace, "draft.md"), "mine"),
    );
    await expect.poll(ide.stderr).toContain(`; ${workspace} kept (not empty)\n`);
    expect(readFileSync(path.join(workspace, "draft.md"), "utf8")).toBe("mine");
  });

  it("makes ./workspace again when the client's roots go and the default is served again", async () => {
    const { dir } = layout();
    const workspace = path.join(dir, "workspace");
    const roots = { current: [path.join(dir, "elsewhere")] };
    const ide = await startBin(dir, roots);
    await expect.poll(ide.stderr).toMatch(/removed \(this server made it/);
    roots.current = [];
    await ide.client.sendRootsListChanged();
    await expect.poll(ide.asked).toBe(2);
    await expect.poll(ide.stderr).toContain(`roots from the client: ${workspace}; ${workspace} made again`);
    expect(await ide.text("list_directory", { path: "." })).toBe("[empty directory]");
  });
});
