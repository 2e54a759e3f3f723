import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { noTracing } from "@mcp-toolkit/core";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { versionOf } from "../src/file-version.js";
import { readForModel } from "../src/read.js";
import { Sandbox } from "../src/sandbox.js";
import { SETTLED_MS, VERSION_CACHE_ENTRIES, VersionCache } from "../src/version-cache.js";
import { tempDir, toolContext } from "./helpers.js";

// A paged read of a large file hashed all of it for its version on every page; now once, while the file stays as it
// was. The files here were written just now: a clock set past SETTLED_MS stands in for a file left alone since.

const ws = tempDir();
afterAll(() => ws.cleanup());
afterEach(() => vi.restoreAllMocks());

const later = () => Date.now() + SETTLED_MS + 10_000;

/** 20,000 lines, 600 KiB: over the 256 KiB read whole, so a page reads only part of it. */
const LINES = Array.from({ length: 20_000 }, (_, i) => `line ${String(i + 1).padStart(6, "0")} ${"x".repeat(20)}\n`);

/** Read a page of `file` with its version, as read_file does, and the bytes that read took from the disk. */
async function page(cache: VersionCache, file: string, offset: number) {
  let bytes = 0;
  vi.spyOn(noTracing, "count").mockImplementation((attribute, amount) => {
    if (attribute === "mcp_toolkit.file.bytes_read") bytes += amount;
  });
  const ctx = { ...toolContext(new Sandbox([ws.dir])), versionCache: cache };
  const out = await readForModel(ctx, file, { offset, limit: 10 }, 4096, { version: true });
  vi.restoreAllMocks();
  return { version: out.kind === "text" ? out.version : undefined, bytes };
}

describe("versions of a large file paged through", () => {
  it("are hashed once while the file stays as it was, and every page has the file's version", async () => {
    writeFileSync(path.join(ws.dir, "paged.log"), LINES.join(""));
    const size = Buffer.byteLength(LINES.join(""));
    const whole = versionOf(readFileSync(path.join(ws.dir, "paged.log")));
    const cache = new VersionCache(later);
    const first = await page(cache, "paged.log", 1);
    const second = await page(cache, "paged.log", 11);
    expect([first.version, second.version]).toEqual([whole, whole]);
    // Every page counts the file's lines (all of it read); the first also hashes it, the second no longer.
    expect(first.bytes).toBeGreaterThanOrEqual(2 * size);
    expect(second.bytes).toBeLessThan(first.bytes - size / 2);
  });

  it("change when the file is rewritten in place with as many bytes, and are kept again", async () => {
    const file = path.join(ws.dir, "rewritten.log");
    writeFileSync(file, LINES.join(""));
    const cache = new VersionCache(later);
    const before = await page(cache, "rewritten.log", 1);
    const fd = openSync(file, "r+");
    writeSync(fd, "LINE", 0, "utf8");
    closeSync(fd);
    const after = await page(cache, "rewritten.log", 1);
    expect(after.version).toBe(versionOf(readFileSync(file)));
    expect(after.version).not.toBe(before.version);
    expect((await page(cache, "rewritten.log", 11)).version).toBe(after.version);
  });

  it("are not kept from a read the file was rewritten during, whose hash mixed its old first bytes with the new rest", async () => {
    const file = path.join(ws.dir, "mixed.log");
    writeFileSync(file, LINES.join(""));
    const cache = new VersionCache(later);
    // Rewritten in place once the read has its first bytes, as another process may while a page is scanned for.
    let rewritten = false;
    vi.spyOn(noTracing, "count").mockImplementation(() => {
      if (rewritten) return;
      rewritten = true;
      const fd = openSync(file, "r+");
      writeSync(fd, "LINE", 0, "utf8");
      closeSync(fd);
    });
    const ctx = { ...toolContext(new Sandbox([ws.dir])), versionCache: cache };
    const during = await readForModel(ctx, "mixed.log", { offset: 1, limit: 10 }, 4096, { version: true });
    vi.restoreAllMocks();
    expect(rewritten).toBe(true);
    expect(during.kind === "text" && during.version).toBeFalsy();
    expect((await page(cache, "mixed.log", 11)).version).toBe(versionOf(readFileSync(file)));
  });

  it("are hashed again on each page while the file changed within SETTLED_MS of the read, as a clock tick may hide a change", async () => {
    writeFileSync(path.join(ws.dir, "fresh.log"), LINES.join(""));
    const cache = new VersionCache();
    const first = await page(cache, "fresh.log", 1);
    const second = await page(cache, "fresh.log", 11);
    expect(second.version).toBe(first.version);
    expect(second.bytes).toBe(first.bytes);
    expect(cache.size).toBe(0);
  });
});

describe("VersionCache", () => {
  it(`keeps at most ${VERSION_CACHE_ENTRIES} files, the least recently used going first`, async () => {
    const cache = new VersionCache(later);
    /** The file's version, and the bytes hashing it read (none when it was kept). */
    const versionOfFile = async (name: string) => {
      let bytes = 0;
      vi.spyOn(noTracing, "count").mockImplementation((_, amount) => {
        bytes += amount;
      });
      const fd = openSync(path.join(ws.dir, name), "r");
      try {
        const version = await cache.versionOfOpen(fd, readFileSync(path.join(ws.dir, name)).length, Buffer.alloc(0));
        return { version, bytes };
      } finally {
        closeSync(fd);
        vi.restoreAllMocks();
      }
    };
    for (let i = 0; i <= VERSION_CACHE_ENTRIES; i++) {
      writeFileSync(path.join(ws.dir, `f${i}.txt`), `file ${i}\n`);
      expect((await versionOfFile(`f${i}.txt`)).version).toBe(versionOf(Buffer.from(`file ${i}\n`)));
      if (i > 0) await versionOfFile("f0.txt"); // used again: the first to go is f1
    }
    expect(cache.size).toBe(VERSION_CACHE_ENTRIES);
    expect((await versionOfFile("f0.txt")).bytes).toBe(0);
    expect((await versionOfFile("f2.txt")).bytes).toBe(0);
    expect((await versionOfFile("f1.txt")).bytes).toBe("file 1\n".length);
  });

  it("gives no version for a file no longer of the size it was opened with", async () => {
    const file = path.join(ws.dir, "grown.txt");
    writeFileSync(file, "12345");
    const fd = openSync(file, "r");
    try {
      expect(await new VersionCache(later).versionOfOpen(fd, 4, Buffer.alloc(0))).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  });
});
