// Workspace files as resources, through real clients: listed in pages without hidden paths, read as text with a
// media type or as base64 blobs (images and other binaries, up to maxImageBytes), escapes refused, the variable
// completed level by level.
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { UriTemplate } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { type ClientKind, connectClient, type TestClient } from "../../../core/test/clients.js";
import type { FilesystemServerOptions } from "../../src/options.js";
import { binaryType, filePathOf, meantUri, mimeTypeByName, textType } from "../../src/resources/files.js";
import { createFilesystemServerFactory } from "../../src/server.js";
import { tempDir } from "../helpers.js";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** The start of an SQLite database: its 16-byte magic string, then a page of header and zeros. */
const SQLITE = Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(4080)]);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function workspace() {
  const { dir, cleanup } = tempDir("fs-res-");
  cleanups.push(cleanup);
  const root = path.join(dir, "ws");
  mkdirSync(path.join(root, "docs/deep"), { recursive: true });
  mkdirSync(path.join(root, ".agent"));
  writeFileSync(path.join(root, "README.md"), "# Project\n");
  writeFileSync(path.join(root, "docs/notes.txt"), "alpha\nbeta\n");
  writeFileSync(path.join(root, "docs/deep/data.json"), '{"a":1}');
  writeFileSync(path.join(root, "docs/pixel.png"), PNG);
  writeFileSync(path.join(root, "blob.bin"), Buffer.from([0, 1, 2, 3, 0, 255]));
  writeFileSync(path.join(root, "data.db"), SQLITE);
  writeFileSync(path.join(root, ".agent/audit.log"), "secret trail");
  writeFileSync(path.join(root, ".agent/state.db"), SQLITE);
  writeFileSync(path.join(dir, "outside.txt"), "not yours");
  symlinkSync(path.join(dir, "outside.txt"), path.join(root, "escape.txt"));
  symlinkSync(path.join(root, ".agent/audit.log"), path.join(root, "trail.txt"));
  return { dir, root };
}

async function connect(options: FilesystemServerOptions, kind: ClientKind = "modern"): Promise<TestClient> {
  const factory = createFilesystemServerFactory(options);
  const client = await connectClient(factory, kind);
  cleanups.push(
    () => client.close(),
    () => factory.close(),
  );
  return client;
}

const uri = (file: string) => pathToFileURL(file).href;

describe.each<ClientKind>(["modern", "v1@2025-06-18"])("file resources with a %s client", (kind) => {
  it("lists the workspace's files, never a hidden one, after the stats resource", async () => {
    const { root } = workspace();
    const client = await connect({ root, hide: [".agent"] }, kind);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.name)).toEqual([
      "stats",
      "README.md",
      "blob.bin",
      "data.db",
      "docs/deep/data.json",
      "docs/notes.txt",
      "docs/pixel.png",
    ]);
    expect(resources[0]?.uri).toBe("filesystem://stats");
    expect(resources.find((r) => r.name === "docs/notes.txt")).toMatchObject({
      uri: uri(path.join(root, "docs/notes.txt")),
      mimeType: "text/plain",
    });
    expect(resources.find((r) => r.name === "data.db")?.mimeType).toBe("application/vnd.sqlite3");
    expect(resources.find((r) => r.name === "docs/pixel.png")?.mimeType).toBe("image/png");
    expect(resources.find((r) => r.name === "blob.bin")).not.toHaveProperty("mimeType");
  });

  it("reads other binaries whole as blobs, typed by name or as octet-stream", async () => {
    const { root } = workspace();
    const client = await connect({ root }, kind);
    const db = await client.readResource({ uri: uri(path.join(root, "data.db")) });
    expect(db.contents).toEqual([
      { uri: uri(path.join(root, "data.db")), mimeType: "application/vnd.sqlite3", blob: SQLITE.toString("base64") },
    ]);
    const bin = await client.readResource({ uri: uri(path.join(root, "blob.bin")) });
    expect(bin.contents).toEqual([
      { uri: uri(path.join(root, "blob.bin")), mimeType: "application/octet-stream", blob: "AAECAwD/" },
    ]);
  });

  it("keeps text as text whatever its name says, and a NUL-bearing .json as a blob", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "notes.db"), "plain words");
    writeFileSync(path.join(root, "odd.json"), Buffer.from('{"a":\0}'));
    const client = await connect({ root }, kind);
    const text = await client.readResource({ uri: uri(path.join(root, "notes.db")) });
    expect(text.contents).toEqual([
      { uri: uri(path.join(root, "notes.db")), mimeType: "text/plain", text: "plain words" },
    ]);
    const odd = await client.readResource({ uri: uri(path.join(root, "odd.json")) });
    expect(odd.contents[0]).toMatchObject({
      mimeType: "application/octet-stream",
      blob: Buffer.from('{"a":\0}').toString("base64"),
    });
  });

  it("reads an empty file as empty text, not the note read_file gives the model", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "empty.md"), "");
    const client = await connect({ root }, kind);
    const empty = await client.readResource({ uri: uri(path.join(root, "empty.md")) });
    expect(empty.contents).toEqual([{ uri: uri(path.join(root, "empty.md")), mimeType: "text/markdown", text: "" }]);
  });

  it("refuses a binary over maxImageBytes, saying its size and the cap", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "big.db"), Buffer.concat([SQLITE, Buffer.alloc(300 * 1024)]));
    const client = await connect({ root, maxImageBytes: 64 * 1024 }, kind);
    await expect(client.readResource({ uri: uri(path.join(root, "big.db")) })).rejects.toThrow(
      /big\.db": binary file of 304 KiB, over the 64 KiB limit on binary content, set by maxImageBytes$/,
    );
    await expect(client.readResource({ uri: uri(path.join(root, "data.db")) })).resolves.toMatchObject({
      contents: [{ mimeType: "application/vnd.sqlite3" }],
    });
  });

  it("reads text with its media type, and an image as a blob", async () => {
    const { root } = workspace();
    const client = await connect({ root }, kind);
    const json = await client.readResource({ uri: uri(path.join(root, "docs/deep/data.json")) });
    expect(json.contents).toEqual([
      { uri: uri(path.join(root, "docs/deep/data.json")), mimeType: "application/json", text: '{"a":1}' },
    ]);
    const image = await client.readResource({ uri: uri(path.join(root, "docs/pixel.png")) });
    expect(image.contents).toEqual([
      { uri: uri(path.join(root, "docs/pixel.png")), mimeType: "image/png", blob: PNG.toString("base64") },
    ]);
    // An image cut short is still its bytes to a resource reader (an editor), which read_file would not send.
    writeFileSync(path.join(root, "docs/cut.png"), PNG.subarray(0, 50));
    const cut = await client.readResource({ uri: uri(path.join(root, "docs/cut.png")) });
    expect(cut.contents).toEqual([
      {
        uri: uri(path.join(root, "docs/cut.png")),
        mimeType: "image/png",
        blob: PNG.subarray(0, 50).toString("base64"),
      },
    ]);
  });

  it("reads a name that needs percent-encoding", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "a b#c%.txt"), "odd name");
    const client = await connect({ root }, kind);
    const read = await client.readResource({ uri: uri(path.join(root, "a b#c%.txt")) });
    expect(read.contents[0]).toMatchObject({ text: "odd name" });
  });

  it("reads the file a completed name with ? or # in it names, as a client fills the template", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "notes"), "another file");
    writeFileSync(path.join(root, "notes#1.md"), "hash note");
    writeFileSync(path.join(root, "what?.txt"), "question");
    const client = await connect({ root }, kind);
    const rel = root.slice(1);
    const { values } = (
      await client.complete({
        ref: { type: "ref/resource", uri: "file:///{+path}" },
        argument: { name: "path", value: `${rel}/` },
      })
    ).completion;
    expect(values).toEqual(expect.arrayContaining([`${rel}/notes#1.md`, `${rel}/what?.txt`]));
    // {+path} leaves ? and # as they are: file:///…/notes#1.md, which names notes#1.md here, not notes.
    const template = new UriTemplate("file:///{+path}");
    const read = async (name: string) =>
      (await client.readResource({ uri: template.expand({ path: `${rel}/${name}` }) })).contents[0];
    expect(await read("notes#1.md")).toMatchObject({ text: "hash note" });
    expect(await read("what?.txt")).toMatchObject({ text: "question" });
  });

  it("cuts a long text file at the response cap, saying how to read on", async () => {
    const { root } = workspace();
    writeFileSync(path.join(root, "long.txt"), Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n"));
    const client = await connect({ root, maxResponseBytes: 2048 }, kind);
    const [content] = (await client.readResource({ uri: uri(path.join(root, "long.txt")) })).contents;
    const text = (content as { text: string }).text;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    // A resource read takes no offset: the note names the call that does.
    expect(text).toMatch(/of 5000; read_file ".*long\.txt" with offset=\d+\]$/);
  });

  it.each([
    ["a hidden file", ".agent/audit.log", /kept from the file tools by the server's --hide setting/],
    ["a hidden binary file", ".agent/state.db", /kept from the file tools by the server's --hide setting/],
    ["a symlink to a hidden file", "trail.txt", /kept from the file tools/],
    ["a symlink leading outside", "escape.txt", /outside the workspace root/],
    ["a directory", "docs", /is a directory/],
    ["a missing file", "nope.txt", /not found/],
  ])("refuses %s with the reason", async (_, rel, message) => {
    const { root } = workspace();
    const client = await connect({ root, hide: [".agent"] }, kind);
    await expect(client.readResource({ uri: uri(path.join(root, rel)) })).rejects.toThrow(message);
  });

  it.each([
    ["a missing file", "nope.txt"],
    ["a path through a file", "docs/notes.txt/inner.txt"],
  ])("answers %s as resource not found: invalid params whose data is its URI", async (_, rel) => {
    const { root } = workspace();
    const client = await connect({ root }, kind);
    const missing = uri(path.join(root, rel));
    await expect(client.readResource({ uri: missing })).rejects.toMatchObject({ code: -32602, data: { uri: missing } });
    // A file that is there but refused is not reported as missing.
    await expect(client.readResource({ uri: uri(path.join(root, "docs")) })).rejects.not.toHaveProperty("data.uri");
  });

  it("refuses a file outside the roots, named directly or through ..", async () => {
    const { dir, root } = workspace();
    const client = await connect({ root }, kind);
    const outside = client.readResource({ uri: uri(path.join(dir, "outside.txt")) });
    await expect(outside).rejects.toThrow(/outside the workspace/);
    await expect(outside).rejects.not.toThrow(/a file URI holds/);
    await expect(client.readResource({ uri: `${uri(root)}/%2e%2e/outside.txt` })).rejects.toThrow(
      /outside the workspace|not found/,
    );
  });

  it("refuses a workspace-relative path written as a URI, giving the URI of that file in the workspace", async () => {
    const { root } = workspace();
    const client = await connect({ root }, kind);
    const meant = `${uri(path.join(root, "docs/notes.txt"))}`;
    const refused = client.readResource({ uri: "file:///docs/notes.txt" });
    await expect(refused).rejects.toThrow(/outside the workspace root/);
    await expect(refused).rejects.toThrow(
      `a file URI holds the absolute path: for the workspace's docs/notes.txt, ${meant}`,
    );
    const read = await client.readResource({ uri: meant });
    expect(read.contents[0]).toMatchObject({ text: "alpha\nbeta\n" });
  });

  it("completes the path one level at a time, hidden names and links the read would refuse left out", async () => {
    const { root } = workspace();
    symlinkSync("docs", path.join(root, "docs-link"));
    symlinkSync("README.md", path.join(root, "readme-link"));
    const client = await connect({ root, hide: [".agent"] }, kind);
    const complete = async (value: string) =>
      (
        await client.complete({
          ref: { type: "ref/resource", uri: "file:///{+path}" },
          argument: { name: "path", value },
        })
      ).completion.values;
    const rel = root.slice(1);
    expect(await complete(rel.slice(0, -2))).toEqual([`${rel}/`]);
    expect(await complete(`${rel}/`)).toEqual([
      `${rel}/README.md`,
      `${rel}/blob.bin`,
      `${rel}/data.db`,
      `${rel}/docs/`,
      `${rel}/docs-link/`,
      `${rel}/readme-link`,
    ]);
    expect(await complete(`${rel}/docs/d`)).toEqual([`${rel}/docs/deep/`]);
    expect(await complete(`${rel}/docs-link/d`)).toEqual([`${rel}/docs-link/deep/`]);
    // What is offered can be read: a link to a file, and what is inside a link to a folder.
    await expect(client.readResource({ uri: `file:///${rel}/readme-link` })).resolves.toBeDefined();
    await expect(client.readResource({ uri: `file:///${rel}/docs-link/notes.txt` })).resolves.toBeDefined();
    expect(await complete(`${rel}/.ag`)).toEqual([]);
    expect(await complete("etc/pass")).toEqual([]);
  });
});

// Root reads any file, so as root the listing runs as nobody (the server is in-process).
describe("files the server's user may not read", () => {
  it("are left out of the list, as a folder it cannot read is: no read of them could succeed", async () => {
    const ws = tempDir("fs-res-shut-");
    const asRoot = process.getuid?.() === 0;
    const enterless = path.join(ws.dir, "enterless");
    mkdirSync(enterless);
    writeFileSync(path.join(enterless, "inside.txt"), "in");
    writeFileSync(path.join(ws.dir, "mode000.txt"), "secret");
    writeFileSync(path.join(ws.dir, "ok.txt"), "ok");
    if (asRoot)
      for (const p of ["", "enterless", "enterless/inside.txt", "ok.txt"])
        chownSync(path.join(ws.dir, p), 65534, 65534);
    chmodSync(path.join(ws.dir, "mode000.txt"), 0o000);
    chmodSync(enterless, 0o644);
    cleanups.push(() => {
      chmodSync(enterless, 0o755);
      ws.cleanup();
    });
    const client = await connect({ root: ws.dir });
    if (asRoot) {
      process.setegid?.(65534);
      process.seteuid?.(65534);
    }
    const listed = await client.listResources().finally(() => {
      if (asRoot) {
        process.seteuid?.(0);
        process.setegid?.(0);
      }
    });
    expect(listed.resources.map((r) => r.name)).toEqual(["stats", "ok.txt"]);
    expect(listed.resources[1]?.size).toBe(2);
  });
});

describe("the list is bounded", () => {
  it("lists at most maxEntries files, in pages", async () => {
    const { dir, cleanup } = tempDir("fs-res-many-");
    cleanups.push(cleanup);
    for (let i = 0; i < 260; i++) writeFileSync(path.join(dir, `f${String(i).padStart(3, "0")}.txt`), "x");
    const client = await connect({ root: dir, maxEntries: 250 }, "v1@2025-11-25");
    const first = await client.listResources();
    expect(first.resources).toHaveLength(100);
    const names: string[] = first.resources.map((r) => r.name);
    for (let cursor = first.nextCursor; cursor; ) {
      const page = await client.listResources({ cursor });
      names.push(...page.resources.map((r) => r.name));
      cursor = page.nextCursor;
    }
    expect(names).toHaveLength(251); // the stats resource and 250 files
    expect(names.at(-1)).toBe("f249.txt");
  });
});

describe("filePathOf: the path a file URI names", () => {
  it.each([
    ["file:///ws/notes.txt", "/ws/notes.txt"],
    ["file:///ws/a%20b.txt", "/ws/a b.txt"],
    ["file:///ws/notes#1.md", "/ws/notes#1.md"],
    ["file:///ws/what?.txt", "/ws/what?.txt"],
    ["file:///ws/a?b#c#d", "/ws/a?b#c#d"],
    ["file:///ws/notes%231.md", "/ws/notes#1.md"],
    ["file:///ws/x?/../../etc/passwd", "/etc/passwd"],
  ])("%s is %s", (href, file) => {
    expect(filePathOf(new URL(href))).toBe(file);
  });

  it("throws for an encoded slash", () => {
    expect(() => filePathOf(new URL("file:///ws/a%2Fb"))).toThrow(/encoded/);
  });
});

describe("meantUri: the workspace file a path outside the roots likely meant", () => {
  it.each<[string, string[], { rel: string; uri: string } | undefined]>([
    ["/notes.txt", ["/srv/ws"], { rel: "notes.txt", uri: "file:///srv/ws/notes.txt" }],
    ["/docs/a b.md", ["/srv/ws", "/srv/other"], { rel: "docs/a b.md", uri: "file:///srv/ws/docs/a%20b.md" }],
    ["/srv/ws/notes.txt", ["/srv/ws"], undefined],
    ["/srv/other/x", ["/srv/ws", "/srv/other"], undefined],
    ["/srv/elsewhere/x", ["/srv/ws"], undefined],
    ["/", ["/srv/ws"], undefined],
    ["/notes.txt", [], undefined],
  ])("%s in %j", (file, roots, expected) => {
    expect(meantUri(file, roots)).toEqual(expected);
  });
});

describe("mimeTypeByName", () => {
  it.each([
    ["a.md", "text/markdown"],
    ["A.JSON", "application/json"],
    ["x.png", "image/png"],
    ["x.jpeg", "image/jpeg"],
    ["noext", undefined],
    ["x.exe", undefined],
    ["app.DB", "application/vnd.sqlite3"],
    ["icon.svg", "image/svg+xml"],
  ])("%s → %s", (name, type) => {
    expect(mimeTypeByName(name)).toBe(type);
  });
});

describe("textType and binaryType: what a file read as text or as bytes is sent as", () => {
  // [name, as text, as bytes]
  it.each([
    ["a.md", "text/markdown", "application/octet-stream"],
    ["a.db", "text/plain", "application/vnd.sqlite3"],
    ["a.png", "text/plain", "image/png"],
    ["a.svg", "image/svg+xml", "application/octet-stream"],
    ["Makefile", "text/plain", "application/octet-stream"],
  ])("%s → %s / %s", (name, text, bytes) => {
    expect(textType(name)).toBe(text);
    expect(binaryType(name)).toBe(bytes);
  });
});
