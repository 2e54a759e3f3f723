import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryTreeTool } from "../../src/tools/directory-tree.js";
import { callHandler, connect, DeniedSandbox, tempDir, textOf, toolContext } from "../helpers.js";

describe("directory_tree", () => {
  const ws = tempDir();
  const outside = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, "a/b/c/d"), { recursive: true });
    writeFileSync(path.join(ws.dir, "a/one.txt"), "");
    writeFileSync(path.join(ws.dir, "a/b/two.txt"), "");
    writeFileSync(path.join(ws.dir, "a/b/c/d/deep.txt"), "");
    mkdirSync(path.join(ws.dir, "node_modules/pkg"), { recursive: true });
    writeFileSync(path.join(outside.dir, "secret.txt"), "");
    symlinkSync(outside.dir, path.join(ws.dir, "out"));
    for (let i = 0; i < 30; i++) writeFileSync(path.join(ws.dir, `z${i}.txt`), "");
    s = await connect({ root: ws.dir, maxEntries: 20, maxDepth: 5 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
    outside.cleanup();
  });

  it("draws an indented tree to maxDepth, skipping excluded names and not following symlinks", async () => {
    const result = await s.call("directory_tree", { path: "a", maxDepth: 2 });
    expect(textOf(result)).toBe(
      [
        "a/",
        "  b/",
        "    c/",
        "    two.txt",
        "  one.txt",
        "[1 directory at depth 2 not expanded; raise maxDepth (up to 5)]",
      ].join("\n"),
    );
    expect(result.structuredContent).toEqual({
      path: "a",
      entries: [
        { path: "b", type: "directory" },
        { path: "b/c", type: "directory" },
        { path: "b/two.txt", type: "file" },
        { path: "one.txt", type: "file" },
      ],
      truncated: false,
    });
  });

  it("caps depth at the configured maximum", async () => {
    const text = textOf(await s.call("directory_tree", { path: "a", maxDepth: 99 }));
    expect(text).toContain("deep.txt");
    expect(text).not.toContain("not expanded");
  });

  it("says to raise maxDepth when the argument stopped the tree, and names the server's limit when that did", async () => {
    const shallow = textOf(await s.call("directory_tree", { path: "a", maxDepth: 1 }));
    expect(shallow).toContain("[1 directory at depth 1 not expanded; raise maxDepth (up to 5)]");
    const capped = await connect({ root: ws.dir, maxDepth: 2 });
    try {
      for (const maxDepth of [2, 99]) {
        const text = textOf(await capped.call("directory_tree", { path: "a", maxDepth }));
        expect(text).toContain(
          "[1 directory at depth 2 not expanded; 2 is this server's limit, set by maxDepth; call directory_tree on one of them to go deeper]",
        );
        expect(text).not.toContain("raise maxDepth");
      }
    } finally {
      await capped.close();
    }
  });

  it("says to call directory_tree on an unexpanded directory, not to raise maxDepth, when the entry cap cut the tree", async () => {
    const text = textOf(await s.call("directory_tree", { maxDepth: 1 }));
    expect(text).toContain("[stopped after 20 entries (the limit set by maxEntries);");
    expect(text).toContain(
      "not expanded; call directory_tree on one of them to see inside (a larger maxDepth would reach the entry cap sooner)]",
    );
    expect(text).not.toContain("raise maxDepth");
  });

  it("excludes by glob and shows symlinks without following them", async () => {
    const text = textOf(await s.call("directory_tree", { maxDepth: 1, exclude: ["node_modules", "z*"] }));
    expect(text).not.toContain("node_modules");
    expect(text).not.toContain("z1.txt");
    expect(text).toContain("out -> (symlink)");
    expect(text).not.toContain("secret.txt");
  });

  it("stops at the entry cap and says so", async () => {
    const result = await s.call("directory_tree", { maxDepth: 1 });
    expect(textOf(result)).toContain("[stopped after 20 entries (the limit set by maxEntries);");
    expect(result.structuredContent).toMatchObject({ truncated: true });
  });

  it("says when the reply's size, not the entry cap, cut the tree: long names fill it first", async () => {
    const long = path.join(ws.dir, "long");
    mkdirSync(long);
    for (let i = 0; i < 40; i++) writeFileSync(path.join(long, `${"n".repeat(60)}${i}.txt`), "");
    const small = await connect({ root: ws.dir, maxEntries: 1000, maxResponseBytes: 2048 });
    try {
      const text = textOf(await small.call("directory_tree", { path: "long" }));
      const shown = Number(/\[stopped after (\d+) entries/.exec(text)?.[1]);
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(40);
      expect(text).toContain(
        `[stopped after ${shown} entries (as many as fit in one reply, whose size is set by maxResponseBytes); call directory_tree on a subdirectory`,
      );
    } finally {
      await small.close();
    }
  });

  it("stays within the reply's size however many short entries fill it (each line's indent, newline and comma count)", async () => {
    const many = path.join(ws.dir, "many");
    mkdirSync(many);
    for (let i = 0; i < 1500; i++) writeFileSync(path.join(many, `f${String(i).padStart(4, "0")}`), "");
    const small = await connect({ root: ws.dir, maxEntries: 1000, maxResponseBytes: 32_768 });
    try {
      const result = await small.call("directory_tree", { path: "many" });
      const text = textOf(result);
      expect(text).toContain("(as many as fit in one reply, whose size is set by maxResponseBytes)");
      expect(Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(
        32_768,
      );
    } finally {
      await small.close();
    }
  });

  it("refuses a bad depth", async () => {
    const result = await s.call("directory_tree", { maxDepth: 0 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("maxDepth must be a whole number ≥ 1");
  });

  it("shows a name with a newline or other control character escaped and quoted, so it cannot fake an entry", async () => {
    mkdirSync(path.join(ws.dir, "odd/sub\tdir"), { recursive: true });
    writeFileSync(path.join(ws.dir, "odd/sub\tdir", "evil\n  fake.txt"), "");
    const result = await s.call("directory_tree", { path: "odd" });
    expect(textOf(result)).toBe(["odd/", '  "sub\\tdir"/', '    "evil\\n  fake.txt"'].join("\n"));
    expect(result.structuredContent).toMatchObject({
      entries: [
        { path: "sub\tdir", type: "directory" },
        { path: "sub\tdir/evil\n  fake.txt", type: "file" },
      ],
    });
  });

  it("marks a name that is not UTF-8 on disk as one no tool can reach, and neither reads it nor counts it unreadable", async () => {
    mkdirSync(path.join(ws.dir, "bytes"));
    // A Buffer path names the entry by its raw bytes: 0xff is not UTF-8, and reads back decoded as U+FFFD.
    writeFileSync(Buffer.from(path.join(ws.dir, "bytes", "bad\xff.txt"), "latin1"), "x");
    mkdirSync(Buffer.from(path.join(ws.dir, "bytes", "dir\xfe"), "latin1"));
    writeFileSync(Buffer.from(path.join(ws.dir, "bytes", "dir\xfe", "inside.txt"), "latin1"), "x");
    writeFileSync(path.join(ws.dir, "bytes", "real\uFFFD.txt"), "x");
    const mark =
      "[name not UTF-8 on disk, shown with U+FFFD: no tool can reach it by this name; rename it outside this server]";
    expect(textOf(await s.call("directory_tree", { path: "bytes" }))).toBe(
      ["bytes/", `  bad\uFFFD.txt ${mark}`, `  dir\uFFFD/ ${mark}`, "  real\uFFFD.txt"].join("\n"),
    );
  });
});

describe("directory_tree on a monorepo whose first package alone would fill the cap", () => {
  const ws = tempDir();
  beforeAll(() => {
    for (const pkg of ["agent", "core", "http"]) {
      for (let i = 0; i < 30; i++) {
        mkdirSync(path.join(ws.dir, "packages", pkg, "src", `d${i}`), { recursive: true });
        writeFileSync(path.join(ws.dir, "packages", pkg, "src", `d${i}`, "x.ts"), "");
      }
      writeFileSync(path.join(ws.dir, "packages", pkg, "package.json"), "");
    }
    writeFileSync(path.join(ws.dir, "README.md"), "");
    mkdirSync(path.join(ws.dir, "scripts"));
    writeFileSync(path.join(ws.dir, "scripts", "pack.mjs"), "");
  });
  afterAll(() => ws.cleanup());

  it("shows shallow levels whole before deeper ones, shares the cut level among its directories, and says where", async () => {
    const s = await connect({ root: ws.dir, maxEntries: 40 });
    try {
      const result = await s.call("directory_tree", { maxDepth: 5 });
      const text = textOf(result);
      // Every package and every top-level entry, the last ones in name order too.
      for (const line of [
        "  packages/",
        "    core/",
        "    http/",
        "      package.json",
        "  scripts/",
        "    pack.mjs",
      ]) {
        expect(text.split("\n")).toContain(line);
      }
      // Each package's src/ gets its turn: 9 of its 30 directories (40 entries less the 13 above them, in turns).
      for (const pkg of ["agent", "core", "http"]) {
        const entries = (result.structuredContent as { entries: { path: string }[] }).entries;
        expect(entries.filter((e) => e.path.startsWith(`packages/${pkg}/src/`))).toHaveLength(9);
      }
      expect(text).toContain(
        "\n[stopped after 40 entries (the limit set by maxEntries); call directory_tree on a subdirectory, lower maxDepth, or add exclude]\n" +
          '[shown shallowest first: every entry to depth 3, and 27 of 90 at depth 4; 3 directories at depth 3 shown with some of their entries: "packages/agent/src/" (9 of 30), "packages/core/src/" (9 of 30) and 1 more]\n' +
          "[27 directories at depth 4 not expanded; call directory_tree on one of them to see inside (a larger maxDepth would reach the entry cap sooner)]",
      );
      expect(result.structuredContent).toMatchObject({ truncated: true });
    } finally {
      await s.close();
    }
  });

  it("spends the reply's size the same way, and stays within it", async () => {
    const s = await connect({ root: ws.dir, maxResponseBytes: 1500 });
    try {
      const result = await s.call("directory_tree", { maxDepth: 5 });
      const text = textOf(result);
      expect(text).toContain("    http/\n");
      expect(text).toContain("  scripts/\n");
      expect(text).toContain("(as many as fit in one reply, whose size is set by maxResponseBytes)");
      expect(text).toMatch(/\[shown shallowest first: every entry to depth \d/);
      expect(Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(
        1500,
      );
    } finally {
      await s.close();
    }
  });
});

describe("directory_tree under a folder named ~", () => {
  const ws = tempDir();
  afterAll(() => ws.cleanup());

  it("gives its entries' paths as ./~/…, which a tool reads back as that folder, not the home directory", async () => {
    mkdirSync(path.join(ws.dir, "~"));
    writeFileSync(path.join(ws.dir, "~", "notes.txt"), "inner\n");
    const s = await connect({ root: ws.dir });
    try {
      const tree = await s.call("directory_tree", { path: "." });
      expect(tree.structuredContent).toMatchObject({
        entries: [
          { path: "./~", type: "directory" },
          { path: "./~/notes.txt", type: "file" },
        ],
      });
      expect(textOf(await s.call("read_file", { path: "./~/notes.txt" }))).toBe("inner\n");
    } finally {
      await s.close();
    }
  });
});

describe("directory_tree of a repository", () => {
  it("shows .git without spending entries inside it, and says how to see inside", async () => {
    const ws = tempDir();
    for (const dir of ["sub/.git/objects/00", "sub/.git/hooks", "sub/src"]) {
      mkdirSync(path.join(ws.dir, dir), { recursive: true });
    }
    writeFileSync(path.join(ws.dir, "sub/.git/HEAD"), "");
    writeFileSync(path.join(ws.dir, "sub/src/a.ts"), "");
    const s = await connect({ root: ws.dir });
    try {
      expect(textOf(await s.call("directory_tree", { path: "sub" }))).toBe(
        [
          "sub/",
          "  .git/",
          "  src/",
          "    a.ts",
          '["sub/.git/" not expanded, as version-control folders are not: directory_tree with that path shows inside]',
        ].join("\n"),
      );
      expect(textOf(await s.call("directory_tree", { path: "sub/.git", maxDepth: 1 }))).toBe(
        [
          "sub/.git/",
          "  HEAD",
          "  hooks/",
          "  objects/",
          "[2 directories at depth 1 not expanded; raise maxDepth (up to 10)]",
        ].join("\n"),
      );
    } finally {
      await s.close();
      ws.cleanup();
    }
  });
});

describe("directory_tree with folders it may not read", () => {
  const ws = tempDir();
  beforeAll(() => {
    for (const dir of ["a/secret", "b/secret"]) mkdirSync(path.join(ws.dir, dir), { recursive: true });
    writeFileSync(path.join(ws.dir, "a/secret/x.txt"), "");
  });
  afterAll(() => ws.cleanup());

  it("names the first and why, and does not tell to raise maxDepth to see inside them", async () => {
    const tool = directoryTreeTool(toolContext(new DeniedSandbox([ws.dir])));
    expect(textOf(await callHandler(tool, { maxDepth: 5 }))).toBe(
      [
        "./",
        "  a/",
        "    secret/",
        "  b/",
        "    secret/",
        '[2 directories could not be read (the first "a/secret/": permission denied): entries not shown]',
      ].join("\n"),
    );
  });
});
