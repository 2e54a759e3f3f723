// Paging through the workspace's files: each page resumes after the last entry the one before went past, so the pages
// together are the whole listing in order, with nothing repeated or skipped even when files come and go between
// pages; the cursor is refused, saying what to do, when altered or when the root it was in is no longer served.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, type TestClient } from "../../../core/test/clients.js";
import type { FilesystemServerOptions } from "../../src/options.js";
import { readPosition, writePosition } from "../../src/resources/list-position.js";
import { createFilesystemServerFactory } from "../../src/server.js";
import { tempDir } from "../helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A tree of 3 × 4 folders of 20 files each (240 files) at depths 1 to 3, and a few files at the top. */
function tree(): string {
  const { dir, cleanup } = tempDir("fs-res-page-");
  cleanups.push(cleanup);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 4; b++) {
      const folder = path.join(dir, `a${a}`, `b${b}`);
      mkdirSync(folder, { recursive: true });
      for (let f = 0; f < 20; f++)
        writeFileSync(path.join(folder, `f${String(f).padStart(2, "0")}.txt`), "x".repeat(f));
    }
  }
  for (const name of ["top.md", "z.txt"]) writeFileSync(path.join(dir, name), "top");
  return dir;
}

/** Every name in the order a depth-first walk in name order gives, from the files on disk. */
function expectedNames(): string[] {
  const names: string[] = [];
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 4; b++) {
      for (let f = 0; f < 20; f++) names.push(`a${a}/b${b}/f${String(f).padStart(2, "0")}.txt`);
    }
  }
  return [...names, "top.md", "z.txt"];
}

async function connect(options: FilesystemServerOptions): Promise<TestClient> {
  const factory = createFilesystemServerFactory(options);
  // The v1 client shows each page as it comes (a v2 one follows the cursors itself).
  const client = await connectClient(factory, "v1@2025-11-25");
  cleanups.push(
    () => client.close(),
    () => factory.close(),
  );
  return client;
}

/** The file names of every page, `between` run after each page but the last. */
async function pages(client: TestClient, between?: (page: number) => void): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    out.push(page.resources.filter((r) => r.uri.startsWith("file:")).map((r) => r.name));
    cursor = page.nextCursor;
    if (cursor !== undefined) between?.(out.length);
  } while (cursor !== undefined && out.length < 20);
  return out;
}

describe("paging through the files", () => {
  it("gives the whole listing in order, each file once, with its size", async () => {
    const root = tree();
    // A name that is not UTF-8 on disk has no URI that reads it: not listed. A symlink is not followed.
    writeFileSync(Buffer.concat([Buffer.from(`${root}/a0/b1/f05`), Buffer.from([0xff])]), "x");
    symlinkSync(path.join(root, "a0"), path.join(root, "a0/b2/loop"));
    const client = await connect({ root });
    const got = await pages(client);
    expect(got.map((p) => p.length)).toEqual([99, 100, 43]); // the stats resource takes the first page's first place
    expect(got.flat()).toEqual(expectedNames());
    const { resources } = await client.listResources();
    expect(resources.find((r) => r.name === "a0/b0/f07.txt")).toMatchObject({ size: 7, mimeType: "text/plain" });
  });

  it("neither repeats nor skips a file that was there throughout, whatever comes and goes between pages", async () => {
    const root = tree();
    const client = await connect({ root });
    const got = await pages(client, (page) => {
      if (page !== 1) return;
      // The first page ends at a1/b0/f18.txt, which goes; before it: files made and a folder removed; after it: both.
      rmSync(path.join(root, "a1/b0/f18.txt"));
      writeFileSync(path.join(root, "a1/b0/f10a.txt"), "");
      rmSync(path.join(root, "a0/b0"), { recursive: true });
      mkdirSync(path.join(root, "a1/b0/f18.txt.d"));
      writeFileSync(path.join(root, "a1/b0/f18.txt.d/in.txt"), "");
      writeFileSync(path.join(root, "a2/b0/f00a.txt"), "");
      rmSync(path.join(root, "a2/b3/f05.txt"));
    });
    const all = got.flat();
    expect(new Set(all).size).toBe(all.length);
    const throughout = expectedNames().filter((n) => !["a1/b0/f18.txt", "a2/b3/f05.txt"].includes(n));
    expect(all.filter((n) => throughout.includes(n))).toEqual(throughout);
    // What appeared after the cursor is listed, what appeared before it is not, and the removed file is gone.
    expect(all).toEqual(expect.arrayContaining(["a1/b0/f18.txt.d/in.txt", "a2/b0/f00a.txt"]));
    expect(all).not.toContain("a1/b0/f10a.txt");
    expect(all).not.toContain("a2/b3/f05.txt");
  });

  it("keeps to maxEntries over all the pages, and leaves hidden and unreadable folders out", async () => {
    const root = tree();
    // Root reads a folder whatever its mode: then it is listed.
    const unreadable = process.getuid?.() !== 0;
    chmodSync(path.join(root, "a1/b2"), 0o000);
    cleanups.unshift(() => chmodSync(path.join(root, "a1/b2"), 0o755));
    const client = await connect({ root, hide: ["a0/b3"], maxEntries: 150 });
    const all = (await pages(client)).flat();
    const shown = expectedNames().filter((n) => !n.startsWith("a0/b3/") && !(unreadable && n.startsWith("a1/b2/")));
    expect(all).toEqual(shown.slice(0, 150));
  });

  it("refuses an altered cursor, and one from before the roots changed, saying to start over", async () => {
    const root = tree();
    const client = await connect({ root });
    const { nextCursor } = await client.listResources();
    const altered = `${(nextCursor as string).slice(0, -2)}AA`;
    await expect(client.listResources({ cursor: altered })).rejects.toThrow(/Invalid cursor: pass back the nextCursor/);
    const other = tempDir("fs-res-other-");
    cleanups.push(other.cleanup);
    const elsewhere = await connect({ root: other.dir });
    await expect(elsewhere.listResources({ cursor: nextCursor as string })).rejects.toThrow(
      /Invalid cursor: the listing it continues was in ".*", no longer a root \(the roots changed since\); list again without a cursor/,
    );
  });
});

describe("readPosition: a listing's place, checked", () => {
  const roots = ["/ws", "/other"];
  it("reads back what writePosition wrote", () => {
    const text = writePosition({ root: "/other", path: ["a", "b c", "d.txt"], listed: 7 });
    expect(readPosition(text, roots, 1000)).toEqual({ root: 1, path: ["a", "b c", "d.txt"], listed: 7 });
  });

  it.each([
    ["not JSON", "{"],
    ["a path climbing out", JSON.stringify(["/ws", "a/../../etc", 1])],
    ["an empty name", JSON.stringify(["/ws", "a//b", 1])],
    ["a NUL", JSON.stringify(["/ws", "a\0b", 1])],
    ["a count past maxEntries", JSON.stringify(["/ws", "a", 1001])],
    ["a negative count", JSON.stringify(["/ws", "a", -1])],
  ])("refuses %s", (_, text) => {
    expect(() => readPosition(text, roots, 1000)).toThrow(/Invalid cursor: not a place in the file listing/);
  });
});
