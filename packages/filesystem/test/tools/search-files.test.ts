import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox.js";
import { searchFilesTool } from "../../src/tools/search-files.js";
import { callHandler, connect, DeniedSandbox, tempDir, textOf, toolContext } from "../helpers.js";

describe("search_files", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, "src/lib"), { recursive: true });
    mkdirSync(path.join(ws.dir, "node_modules/dep"), { recursive: true });
    writeFileSync(path.join(ws.dir, "src/main.ts"), "import x\nconst TODO = 1;\n// todo later\n");
    writeFileSync(path.join(ws.dir, "src/lib/util.ts"), "export const a = 1;\n// TODO: fix\n");
    writeFileSync(path.join(ws.dir, "src/notes.md"), "TODO in markdown\n");
    writeFileSync(path.join(ws.dir, "node_modules/dep/index.ts"), "// TODO vendored\n");
    writeFileSync(path.join(ws.dir, "src/blob.ts"), Buffer.from("TODO\0binary"));
    writeFileSync(path.join(ws.dir, "many.txt"), "hit\n".repeat(50));
    // Line 2 holds the c that /a*a*a*a*a*a*a*a*c/ requires, so the file is not skipped unread and line 1 runs away.
    writeFileSync(path.join(ws.dir, "slow.txt"), `${"a".repeat(40)}b\nc\n`);
    writeFileSync(path.join(ws.dir, "a".repeat(200)), "");
    // Files a grep reads together: a regex that runs away on one, and one that fills the results before it.
    mkdirSync(path.join(ws.dir, "batch"));
    writeFileSync(path.join(ws.dir, "batch/a.txt"), "one\ntwo\n");
    writeFileSync(path.join(ws.dir, "batch/b.txt"), `ok\n${"a".repeat(40)}b\n`);
    writeFileSync(path.join(ws.dir, "batch/c.txt"), "three\n");
    mkdirSync(path.join(ws.dir, "capped"));
    writeFileSync(path.join(ws.dir, "capped/a.txt"), "line\n".repeat(12));
    writeFileSync(path.join(ws.dir, "capped/b.txt"), `${"a".repeat(40)}b\n`);
    writeFileSync(path.join(ws.dir, "crlf.txt"), "L1\r\nL2 end\r\nL3\r\n");
    writeFileSync(path.join(ws.dir, "odd.txt"), "mark \u001b[2Jcleared\rmark.txt:9: fake\u2028\tend\n");
    s = await connect({ root: ws.dir, maxResults: 10 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("excludes by thousands of globs on a first call without running out of time", async () => {
    const exclude = [...Array.from({ length: 10_000 }, (_, i) => `x${i}`), "node_modules", "batch", "capped"];
    const result = await s.call("search_files", { pattern: "*.ts", exclude });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(["src/blob.ts", "src/lib/util.ts", "src/main.ts"].join("\n"));
  });

  it("finds a file or folder whose name holds a line break, as any other, shown escaped", async () => {
    const odd = tempDir();
    mkdirSync(path.join(odd.dir, "a\nb"));
    writeFileSync(path.join(odd.dir, "a\nb/note.txt"), "secret\n");
    writeFileSync(path.join(odd.dir, "evil\r\n[FILE] x.txt"), "secret\n");
    writeFileSync(path.join(odd.dir, "plain.txt"), "secret\n");
    const c = await connect({ root: odd.dir });
    try {
      const names = ['"a\\nb"/', '"a\\nb/note.txt"', '"evil\\r\\n[FILE] x.txt"', "plain.txt"];
      expect(textOf(await c.call("search_files", { pattern: "**" }))).toBe(names.join("\n"));
      const hits = textOf(await c.call("search_files", { pattern: "**/*.txt", content: "secret" }));
      expect(hits).toBe(
        names
          .slice(1)
          .map((name) => `${name}:1: secret`)
          .join("\n"),
      );
    } finally {
      await c.close();
      odd.cleanup();
    }
  });

  describe("names not UTF-8 on disk", () => {
    const bytes = tempDir();
    const mark =
      "[name not UTF-8 on disk, shown with U+FFFD: no tool can reach it by this name; rename it outside this server]";
    let c: Awaited<ReturnType<typeof connect>>;
    beforeAll(async () => {
      // A Buffer path names an entry by its raw bytes: 0xff is not UTF-8, and is listed decoded as U+FFFD.
      writeFileSync(Buffer.from(path.join(bytes.dir, "bad\xff.txt"), "latin1"), "TODO\n");
      mkdirSync(Buffer.from(path.join(bytes.dir, "dir\xfe"), "latin1"));
      writeFileSync(Buffer.from(path.join(bytes.dir, "dir\xfe", "in.txt"), "latin1"), "TODO\n");
      writeFileSync(Buffer.from(path.join(bytes.dir, "skip\xfd.md"), "latin1"), "TODO\n");
      writeFileSync(path.join(bytes.dir, "ok.txt"), "TODO\n");
      c = await connect({ root: bytes.dir });
    });
    afterAll(async () => {
      await c.close();
      bytes.cleanup();
    });

    it("counts them as not searched, not as holding nothing, unreadable or over the size limit", async () => {
      const text = textOf(await c.call("search_files", { pattern: "**/*.txt", content: "TODO" }));
      expect(text).toBe(
        [
          "ok.txt:1: TODO",
          '[2 names not UTF-8 on disk (the first "bad\uFFFD.txt"): shown with U+FFFD, which no tool can open, so nothing in or under them was searched; rename them outside this server]',
        ].join("\n"),
      );
    });

    it("marks the ones a name search lists as names no tool can reach", async () => {
      const text = textOf(await c.call("search_files", { pattern: "*" }));
      expect(text.split("\n").slice(0, 4)).toEqual([
        `bad\uFFFD.txt ${mark}`,
        `dir\uFFFD/ ${mark}`,
        "ok.txt",
        `skip\uFFFD.md ${mark}`,
      ]);
    });
  });

  it("counts the files a grep skipped for size, naming the limit's flag", async () => {
    const small = tempDir();
    writeFileSync(path.join(small.dir, "big.txt"), "TODO\n".repeat(100));
    writeFileSync(path.join(small.dir, "small.txt"), "TODO\n");
    const capped = await connect({ root: small.dir, maxFileBytes: 100 });
    try {
      const text = textOf(await capped.call("search_files", { pattern: "*.txt", content: "TODO" }));
      expect(text).toBe("small.txt:1: TODO\n[1 file skipped: over 100 bytes, the limit set by maxFileBytes]");
    } finally {
      await capped.close();
      small.cleanup();
    }
  });

  it("excludes a directory written as in .gitignore, with a trailing slash", async () => {
    const result = await s.call("search_files", { pattern: "*.ts", exclude: ["node_modules/", "batch/", "capped/"] });
    expect(textOf(result)).toBe(["src/blob.ts", "src/lib/util.ts", "src/main.ts"].join("\n"));
  });

  it("finds names at any depth with a bare glob, and by path with a slash", async () => {
    const result = await s.call("search_files", { pattern: "*.ts", exclude: ["node_modules"] });
    expect(textOf(result)).toBe(["src/blob.ts", "src/lib/util.ts", "src/main.ts"].join("\n"));
    expect(result.structuredContent).toEqual({
      matches: [
        { path: "src/blob.ts", type: "file" },
        { path: "src/lib/util.ts", type: "file" },
        { path: "src/main.ts", type: "file" },
      ],
      truncated: false,
      skipped: 0,
    });
    expect(textOf(await s.call("search_files", { pattern: "src/*.ts" }))).toBe("src/blob.ts\nsrc/main.ts");
  });

  it("greps content, giving file:line: text and skipping binaries", async () => {
    const result = await s.call("search_files", { path: "src", pattern: "*", content: "TODO" });
    expect(textOf(result)).toBe(
      ["lib/util.ts:2: // TODO: fix", "main.ts:2: const TODO = 1;", "notes.md:1: TODO in markdown"].join("\n"),
    );
    expect((result.structuredContent as { matches: unknown[] }).matches[0]).toEqual({
      path: "lib/util.ts",
      type: "file",
      line: 2,
      text: "// TODO: fix",
    });
  });

  it("accepts /regex/flags", async () => {
    const text = textOf(await s.call("search_files", { path: "src", pattern: "*.ts", content: "/^//\\s*todo/i" }));
    expect(text).toBe("lib/util.ts:2: // TODO: fix\nmain.ts:3: // todo later");
  });

  it.each([
    ["/end$/", "crlf.txt:2: L2 end"],
    ["/^L\\d$/", "crlf.txt:1: L1\ncrlf.txt:3: L3"],
    ["/^L3$/m", "crlf.txt:3: L3"],
  ])("matches %s at the end of CRLF lines, numbering and showing them without the \\r", async (content, expected) => {
    const result = await s.call("search_files", { pattern: "crlf.txt", content });
    expect(textOf(result)).toBe(expected);
  });

  it("says when a regex saw only the start of a long line, so a match past it is not taken for none", async () => {
    const long = tempDir();
    // A minified bundle: the token sits far past the part of its one line a regex is tried on.
    writeFileSync(path.join(long.dir, "app.min.js"), `${"var a=1;".repeat(1000)}var NEEDLE_TOKEN=1;\n`);
    writeFileSync(path.join(long.dir, "short.js"), "var NEEDLE_SHORT=1;\n");
    const served = await connect({ root: long.dir });
    try {
      const result = await served.call("search_files", { pattern: "*.js", content: "/NEEDLE_\\w+/" });
      expect(textOf(result)).toBe(
        "short.js:1: var NEEDLE_SHORT=1;\n[1 line over 4096 characters tried by the regex in their first 4096 only, " +
          "with no match there (first: app.min.js:1); a match further on is not shown: search plain text, which " +
          "sees whole lines, or read_file that line]",
      );
      expect(result.structuredContent).toMatchObject({ truncated: true });
      // Plain text sees the whole line, and a regex that matches early in a long line needs no note.
      expect(textOf(await served.call("search_files", { pattern: "*.js", content: "NEEDLE_TOKEN" }))).toMatch(
        /^app\.min\.js:1: ….*NEEDLE_TOKEN=1;$/,
      );
      expect(textOf(await served.call("search_files", { pattern: "app.min.js", content: "/^var a/" }))).toMatch(
        /^app\.min\.js:1: var a=1;[^[]*$/,
      );
    } finally {
      await served.close();
      long.cleanup();
    }
  });

  it("shows a hit's control characters as escapes, keeping tabs, and gives the real text in the structured result", async () => {
    const result = await s.call("search_files", { pattern: "odd.txt", content: "mark" });
    expect(textOf(result)).toBe("odd.txt:1: mark \\u001b[2Jcleared\\u000dmark.txt:9: fake\\u2028\tend");
    expect((result.structuredContent as { matches: { text: string }[] }).matches[0]?.text).toBe(
      "mark \u001b[2Jcleared\rmark.txt:9: fake\u2028\tend",
    );
  });

  it("searches content shaped like a path, with letters after its last slash that are no flags, as plain text", async () => {
    writeFileSync(path.join(ws.dir, "script.sh"), "#!/usr/bin/env node\n");
    const result = await s.call("search_files", { pattern: "script.sh", content: "/usr/bin/env" });
    expect(textOf(result)).toBe("script.sh:1: #!/usr/bin/env node");
  });

  it("caps the hits and says so", async () => {
    const result = await s.call("search_files", { pattern: "many.txt", content: "hit" });
    expect(textOf(result)).toContain("[stopped at 10 hits (cap)");
    expect(result.structuredContent).toMatchObject({ truncated: true });
    expect((result.structuredContent as { matches: unknown[] }).matches).toHaveLength(10);
  });

  it("pages past the cap with the skip its note names, each hit once, in order", async () => {
    const seen: string[] = [];
    let args: Record<string, unknown> = { pattern: "many.txt", content: "hit" };
    for (let page = 0; page < 10; page++) {
      const text = textOf(await s.call("search_files", args));
      const note =
        /\n\[stopped at 10 hits \(cap\)(?: after skipping \d+)?; skip=(\d+) gives the next ones, or narrow path, pattern or content\]$/.exec(
          text,
        );
      seen.push(...text.slice(0, note?.index).split("\n"));
      if (!note) break;
      args = { ...args, skip: Number(note[1]) };
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `many.txt:${i + 1}: hit`));
  });

  it.each([
    [{ pattern: "*.ts", skip: 2 }, "src/lib/util.ts\nsrc/main.ts"],
    [{ pattern: "many.txt", content: "hit", skip: 60 }, "[all 50 hits left out by skip=60; a smaller skip shows them]"],
  ])("skips hits for %j", async (args, expected) => {
    expect(textOf(await s.call("search_files", args))).toBe(expected);
  });

  it.each([-1, 1.5])("refuses skip=%s", async (skip) => {
    const result = await s.call("search_files", { pattern: "*.ts", skip });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`skip must be a whole number ≥ 0, got ${skip}`);
  });

  it("stops a regex that backtracks without end, says why, and keeps answering", async () => {
    for (const content of ["/(a|a)*$/", "/a*a*a*a*a*a*a*a*c/"]) {
      const result = await s.call("search_files", { pattern: "slow.txt", content });
      expect(result.isError, content).toBe(true);
      expect(textOf(result)).toMatch(/took over 100 ms on line 1 alone.*slow\.txt/);
    }
    expect(textOf(await s.call("search_files", { pattern: "slow.txt", content: "/b$/" }))).toBe(
      `slow.txt:1: ${"a".repeat(40)}b`,
    );
  });

  it("stops a regex that runs away on one of several files read together, naming that file and line", async () => {
    const result = await s.call("search_files", { path: "batch", pattern: "*.txt", content: "/(a|a)*$/" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/took over 100 ms on line 2 alone.*\(at b\.txt\)$/);
  });

  it("answers with the capped hits when the results fill up before the file a regex would run away on", async () => {
    const result = await s.call("search_files", { path: "capped", pattern: "*.txt", content: "/(a|a)*$/" });
    expect(result.isError).toBeFalsy();
    const hits = Array.from({ length: 10 }, (_, i) => `a.txt:${i + 1}: line`);
    expect(textOf(result)).toBe(
      [...hits, "[stopped at 10 hits (cap); skip=10 gives the next ones, or narrow path, pattern or content]"].join(
        "\n",
      ),
    );
    expect(result.structuredContent).toMatchObject({ truncated: true, skipped: 0 });
  });

  it("skips, without running the regex, a file without the text every match of it holds", async () => {
    // Every match of this runaway regex holds "z": slow.txt has none, so the answer is known without a slice.
    const result = await s.call("search_files", { pattern: "slow.txt", content: "/a*a*a*a*a*a*a*a*z/" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('[no matches for "slow.txt" containing "/a*a*a*a*a*a*a*a*z/"]');
  });

  it.each([{ pattern: "*a*a*a*a*a*a*b" }, { pattern: "*", exclude: ["*(a)*(a)*(a)*(a)*(a)*(a)b"] }])(
    "refuses a glob whose matching could run for minutes: %j",
    async (args) => {
      const result = await s.call("search_files", args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^search_files failed: glob ".*": more than 3 wildcards that repeat/);
    },
  );

  it.each(["NEEDLE", "/NEE+DLE/"])("shows a long line's hit around the match %s, marking the cuts", async (content) => {
    mkdirSync(path.join(ws.dir, "long"), { recursive: true });
    writeFileSync(path.join(ws.dir, "long/line.txt"), `${"a".repeat(3000)}NEEDLE${"b".repeat(3000)}\n`);
    const text = textOf(await s.call("search_files", { path: "long", pattern: "*.txt", content }));
    expect(text).toMatch(/^line\.txt:1: …a+NEEDLEb+…$/m);
  });

  it("says a pattern written from / is matched below path", async () => {
    const text = textOf(await s.call("search_files", { pattern: `${ws.dir}/**/*.ts` }));
    expect(text).toBe(
      `[no matches for ${JSON.stringify(`${ws.dir}/**/*.ts`)}; the pattern is matched against paths below ".": give the folder as path and a relative pattern such as "**/*.ts"]`,
    );
  });

  it("says a pattern with / that found nothing is matched from path, and gives the form that matches at any depth", async () => {
    const hint = (p: string) =>
      `; a pattern with "/" is matched from path ".", not at any depth: "**/${p}" matches at any depth below it`;
    expect(textOf(await s.call("search_files", { pattern: "lib/util.ts" }))).toBe(
      `[no matches for "lib/util.ts"${hint("lib/util.ts")}]`,
    );
    expect(textOf(await s.call("search_files", { pattern: "**/lib/util.ts" }))).toBe("src/lib/util.ts");
    expect(textOf(await s.call("search_files", { pattern: "./lib/util.ts" }))).toBe(
      `[no matches for "./lib/util.ts"${hint("lib/util.ts")}]`,
    );
    expect(textOf(await s.call("search_files", { pattern: "dep/*.ts", content: "TODO" }))).toBe(
      `[no matches for "dep/*.ts" containing "TODO"${hint("dep/*.ts")}]`,
    );
    // The glob matched the file, only its content did not: where the pattern is matched from is not why.
    expect(textOf(await s.call("search_files", { pattern: "src/main.ts", content: "absent" }))).toBe(
      '[no matches for "src/main.ts" containing "absent"]',
    );
  });

  it("numbers lines as read_file does: none after a final newline", async () => {
    const result = await s.call("search_files", { pattern: "src/main.ts", content: "/^/" });
    expect(textOf(result)).toBe(
      "src/main.ts:1: import x\nsrc/main.ts:2: const TODO = 1;\nsrc/main.ts:3: // todo later",
    );
  });

  it("says when nothing matches", async () => {
    expect(textOf(await s.call("search_files", { pattern: "*.py" }))).toBe('[no matches for "*.py"]');
  });

  it("says when a glob that matched nothing matches names in another case (globs are case-sensitive)", async () => {
    const advice = "write the pattern in the case the names have";
    expect(textOf(await s.call("search_files", { path: "src", pattern: "*.TS" }))).toBe(
      `[no matches for "*.TS"; globs are case-sensitive, and ignoring case it matches 3 names, the first "blob.ts": ${advice}]`,
    );
    expect(textOf(await s.call("search_files", { path: "src", pattern: "LIB/" }))).toBe(
      `[no matches for "LIB/"; globs are case-sensitive, and ignoring case it matches 1 name, the first "lib/": ${advice}]`,
    );
    expect(textOf(await s.call("search_files", { path: "src", pattern: "*.TS", content: "TODO" }))).toBe(
      `[no matches for "*.TS" containing "TODO": no file name matches "*.TS"; globs are case-sensitive, and ignoring case it matches 3 files, the first "blob.ts": ${advice}]`,
    );
    // The glob matched files, their text did not: case is not the glob's problem.
    expect(textOf(await s.call("search_files", { path: "src", pattern: "*.ts", content: "absent" }))).toBe(
      '[no matches for "*.ts" containing "absent"]',
    );
  });

  it("looks for names in another case within the scan limit the search left, and says the count is a floor", async () => {
    const own = tempDir();
    for (let i = 1; i <= 6; i++) writeFileSync(path.join(own.dir, `A${i}.txt`), "");
    const small = await connect({ root: own.dir, maxScanEntries: 10 });
    try {
      // The search visits 6 entries, which leaves the look 4 of the 10.
      expect(textOf(await small.call("search_files", { pattern: "a*" }))).toBe(
        '[no matches for "a*"; globs are case-sensitive, and ignoring case it matches at least 4 names, the first "A1.txt": write the pattern in the case the names have]',
      );
    } finally {
      await small.close();
      own.cleanup();
    }
  });

  it("says when the scan limit stopped the look in another case, or left it no room, instead of finding nothing", async () => {
    const own = tempDir();
    for (let i = 1; i <= 5; i++) writeFileSync(path.join(own.dir, `a${i}`), "");
    writeFileSync(path.join(own.dir, "b.TXT"), "");
    const look = async (maxScanEntries: number) => {
      const small = await connect({ root: own.dir, maxScanEntries });
      try {
        return textOf(await small.call("search_files", { pattern: "*.txt" }));
      } finally {
        await small.close();
      }
    };
    try {
      // The search visits all 6 entries; the look sees the first 2 of them again, a1 and a2, before the limit.
      expect(await look(8)).toBe(
        '[no matches for "*.txt"; globs are case-sensitive, but the scan limit, set by maxScanEntries, stopped the look for names in another case after 2 entries, with none found]',
      );
      expect(await look(6)).toBe(
        '[no matches for "*.txt"; globs are case-sensitive, but the scan limit, set by maxScanEntries, left no room to look for names in another case]',
      );
      // With room enough, the look finds b.TXT.
      expect(await look(12)).toMatch(/ignoring case it matches 1 name, the first "b\.TXT"/);
    } finally {
      own.cleanup();
    }
  });

  it("quotes the pattern and content it was sent with bidi and control characters escaped", async () => {
    const result = await s.call("search_files", { pattern: "*\u202E.ts", content: "a\u2067b\n" });
    expect(textOf(result)).toBe('[no matches for "*\\u202e.ts" containing "a\\u2067b\\n"]');
  });

  it.each([
    [{ pattern: "*", content: "/(/" }, /invalid regex/],
    [{ pattern: "*", content: "/(a+)+$/" }, /nested quantifiers/],
    [{ pattern: "*", content: "" }, /empty/],
    [
      { pattern: "*", content: "/TODO/g" },
      /regex flag g not supported \(g and y make no sense.*search for \/\\\/TODO\\\/g\//,
    ],
    [{ pattern: "*", path: "../" }, /outside the workspace root/],
  ])("refuses %j", async (args, message) => {
    const result = await s.call("search_files", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it("shows a path with a newline escaped and quoted, in name and content hits alike", async () => {
    mkdirSync(path.join(ws.dir, "odd"));
    writeFileSync(path.join(ws.dir, "odd", "evil\nname.txt"), "needle\n");
    const byName = await s.call("search_files", { path: "odd", pattern: "evil*" });
    expect(textOf(byName)).toBe('"evil\\nname.txt"');
    expect(byName.structuredContent).toMatchObject({ matches: [{ path: "evil\nname.txt", type: "file" }] });
    const byContent = await s.call("search_files", { path: "odd", pattern: "*", content: "needle" });
    expect(textOf(byContent)).toBe('"evil\\nname.txt":1: needle');
  });
});

describe("search_files in a tree deeper than it goes", () => {
  const ws = tempDir();
  const levels = Array.from({ length: 70 }, (_, i) => `d${i + 1}`);
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(path.join(ws.dir, ...levels), { recursive: true });
    writeFileSync(path.join(ws.dir, ...levels, "leaf.txt"), "found me\n");
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("says which directory it did not go into, marks the result truncated, and the named path goes on", async () => {
    const first = await s.call("search_files", { pattern: "leaf.txt", content: "found" });
    const next = levels.slice(0, 64).join("/");
    expect(textOf(first)).toBe(
      `[no matches for "leaf.txt" containing "found"]\n[1 directory at depth 64 not searched, the deepest it goes; search_files with path "${next}" goes on from the first]`,
    );
    expect(first.structuredContent).toMatchObject({ matches: [], truncated: true });
    const rest = await s.call("search_files", { path: next, pattern: "leaf.txt", content: "found" });
    expect(textOf(rest)).toBe(`${levels.slice(64).join("/")}/leaf.txt:1: found me`);
  });
});

describe("search_files under a folder named ~", () => {
  const ws = tempDir();
  const home = process.env.HOME;
  afterAll(() => {
    process.env.HOME = home;
    ws.cleanup();
  });

  it("shows its paths as ./~/…, which read back the same file even when the root is the home directory", async () => {
    // The root is the home directory (--root ~), so "~/notes.txt" would be the root's own notes.txt.
    process.env.HOME = ws.dir;
    mkdirSync(path.join(ws.dir, "~"));
    writeFileSync(path.join(ws.dir, "~", "notes.txt"), "inner\n");
    writeFileSync(path.join(ws.dir, "notes.txt"), "outer\n");
    const s = await connect({ root: ws.dir });
    try {
      const found = await s.call("search_files", { path: ".", pattern: "**/notes.txt", content: "inner" });
      expect(textOf(found)).toBe("./~/notes.txt:1: inner");
      const listed = await s.call("search_files", { path: ".", pattern: "~/*" });
      expect(listed.structuredContent).toMatchObject({ matches: [{ path: "./~/notes.txt", type: "file" }] });
      expect(textOf(await s.call("read_file", { path: "./~/notes.txt" }))).toBe("inner\n");
      const info = await s.call("get_file_info", { path: "./~/notes.txt" });
      expect(textOf(info)).toContain("path: ./~/notes.txt");
    } finally {
      await s.close();
    }
  });
});

describe("search_files progress", () => {
  const ws = tempDir();
  afterAll(() => ws.cleanup());

  it("reports the lines its grep has searched, so a search through one big file is seen to move", async () => {
    // One file, so the walk stands at one entry for as long as the regex takes.
    writeFileSync(path.join(ws.dir, "big.log"), `${"a".repeat(60)}\n`.repeat(20_000).concat("X9Y\n"));
    const tool = searchFilesTool(toolContext(new Sandbox([ws.dir])));
    const seen: { progress: number; message?: string }[] = [];
    const result = await callHandler(tool, { pattern: "*.log", content: "/(.*)(.*)X9Y/" }, (update) =>
      seen.push(update),
    );
    expect(textOf(result)).toBe("big.log:20001: X9Y");
    expect(seen.at(-1)).toEqual({ progress: 20_002, message: "1 entry seen, 20001 lines searched" });
  });
});

describe("search_files in a repository", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    // .git/objects sorts before README.md and src, and holds more entries than the scan limit.
    for (let i = 0; i < 40; i++)
      mkdirSync(path.join(ws.dir, ".git/objects", `${i}`.padStart(2, "0")), { recursive: true });
    writeFileSync(path.join(ws.dir, ".git/HEAD"), "ref: refs/heads/main\n");
    mkdirSync(path.join(ws.dir, "src"));
    writeFileSync(path.join(ws.dir, "README.md"), "# repo\n");
    writeFileSync(path.join(ws.dir, "src/a.ts"), "main\n");
    s = await connect({ root: ws.dir, maxScanEntries: 20 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("does not spend the scan limit inside .git, so a small limit still reaches the project's files", async () => {
    const result = await s.call("search_files", { pattern: "README.md" });
    expect(textOf(result)).toBe("README.md");
    expect(result.structuredContent).toMatchObject({ truncated: false });
    expect(textOf(await s.call("search_files", { pattern: "*", content: "main" }))).toBe("src/a.ts:1: main");
  });

  it("says when it found nothing that it did not look inside .git, and how to", async () => {
    expect(textOf(await s.call("search_files", { pattern: "HEAD" }))).toBe(
      '[no matches for "HEAD"; ".git" not searched inside, as version-control folders are not unless named: give path ".git", or a pattern naming it such as "**/.git/**"]',
    );
  });

  it("finds .git itself without going into it", async () => {
    expect(textOf(await s.call("search_files", { pattern: ".git/" }))).toBe(".git/");
    expect(textOf(await s.call("search_files", { pattern: "**/.git" }))).toBe(".git/");
  });

  it("searches .git when the pattern names it, or the path is inside it", async () => {
    // Named, .git is walked as any folder: its objects spend the scan limit once more.
    expect(textOf(await s.call("search_files", { pattern: ".git/HEAD" }))).toBe(
      ".git/HEAD\n[stopped after scanning 20 entries, the limit set by maxScanEntries; narrow path or add exclude]",
    );
    expect(textOf(await s.call("search_files", { path: ".git", pattern: "HEAD", content: "refs" }))).toMatch(
      /^HEAD:1: ref: refs\/heads\/main\n\[stopped after scanning 20 entries/,
    );
  });
});

describe("search_files where symlinks lead", () => {
  it("says, finding nothing, that it did not follow the symlinks it met, and the path through one searches there", async () => {
    const ws = tempDir();
    // As pnpm lays out node_modules: each package a symlink to the folder that holds it.
    mkdirSync(path.join(ws.dir, "store/pkg"), { recursive: true });
    writeFileSync(path.join(ws.dir, "store/pkg/package.json"), "{}\n");
    mkdirSync(path.join(ws.dir, "deps"));
    symlinkSync("../store/pkg", path.join(ws.dir, "deps/pkg"));
    symlinkSync("../store/pkg/package.json", path.join(ws.dir, "deps/other.json"));
    const s = await connect({ root: ws.dir });
    try {
      expect(textOf(await s.call("search_files", { path: "deps", pattern: "package.json" }))).toBe(
        '[no matches for "package.json"; symlinks are not followed (2 met, the first "deps/other.json"): to search a folder one leads to, give it as path]',
      );
      expect(textOf(await s.call("search_files", { path: "deps/pkg", pattern: "package.json" }))).toBe("package.json");
      // Stopped by the scan limit, the note that matters is the limit's: the symlinks are not why it found nothing.
      const capped = await connect({ root: ws.dir, maxScanEntries: 3 });
      expect(textOf(await capped.call("search_files", { pattern: "*.none" }))).toBe(
        '[no matches for "*.none"]\n[stopped after scanning 3 entries, the limit set by maxScanEntries; narrow path or add exclude]',
      );
      await capped.close();
    } finally {
      await s.close();
      ws.cleanup();
    }
  });
});

describe("search_files out of file descriptors", () => {
  const ws = tempDir();
  const emfile = () => Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" });
  /** A sandbox whose process has run out of descriptors when it opens `what` (a folder, or any file to grep). */
  class OutOfDescriptors extends Sandbox {
    constructor(private readonly what: "folder" | "file") {
      super([ws.dir]);
    }
    override open(input: string, resolved?: string) {
      if (this.what === "folder" && resolved?.endsWith("/src")) throw this.fsError(input, emfile());
      return super.open(input, resolved);
    }
    override openListedFile(input: string, dir: Parameters<Sandbox["openListedFile"]>[1], name: string) {
      if (this.what === "file") throw emfile();
      return super.openListedFile(input, dir, name);
    }
  }
  beforeAll(() => {
    mkdirSync(path.join(ws.dir, "src"));
    writeFileSync(path.join(ws.dir, "src/a.ts"), "needle\n");
  });
  afterAll(() => ws.cleanup());

  it.each([
    ["a folder it walks into", "folder" as const, {}],
    ["a folder it walks into, with content", "folder" as const, { content: "needle" }],
    ["a file it greps", "file" as const, { content: "needle" }],
  ])("fails the call naming EMFILE at %s, where it answered no matches", async (_, what, args) => {
    const tool = searchFilesTool(toolContext(new OutOfDescriptors(what)));
    await expect(callHandler(tool, { pattern: "*.ts", ...args })).rejects.toThrow(
      /: the server has as many files open as its limit allows \(EMFILE, ulimit -n\); try again once fewer calls are running$/,
    );
  });
});

describe("search_files over files deleted while it runs", () => {
  const ws = tempDir();
  const enoent = () => Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
  /** A sandbox where `gone.ts` was deleted after its folder was listed, before the grep opened it. */
  class Deleting extends Sandbox {
    override openListedFile(input: string, dir: Parameters<Sandbox["openListedFile"]>[1], name: string) {
      if (name === "gone.ts") throw enoent();
      return super.openListedFile(input, dir, name);
    }
  }
  /** The same without /proc, where the grep opens each file the long way and gets the ToolError made of ENOENT. */
  class DeletingPortable extends Sandbox {
    override open(input: string, resolved?: string) {
      if (resolved?.endsWith("/gone.ts")) throw this.fsError(input, enoent());
      return super.open(input, resolved);
    }
  }
  beforeAll(() => {
    writeFileSync(path.join(ws.dir, "gone.ts"), "needle\n");
    writeFileSync(path.join(ws.dir, "kept.ts"), "needle\n");
  });
  afterAll(() => ws.cleanup());

  it.each([
    ["with /proc", () => new Deleting([ws.dir])],
    ["without /proc", () => new DeletingPortable([ws.dir], false)],
  ])("passes over them %s, without calling them unreadable or over the size limit", async (_, sandbox) => {
    const result = await callHandler(searchFilesTool(toolContext(sandbox())), { pattern: "*.ts", content: "needle" });
    expect(textOf(result)).toBe("kept.ts:1: needle");
    expect(result.structuredContent).toMatchObject({ skipped: 0 });
  });
});

describe("search_files over files it may not read", () => {
  const ws = tempDir();
  const eacces = () => Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
  /** A sandbox refused (EACCES) the files named `locked*`, as a non-root server is a file of mode 600 not its own. */
  class Locked extends Sandbox {
    override openListedFile(input: string, dir: Parameters<Sandbox["openListedFile"]>[1], name: string) {
      if (name.startsWith("locked")) throw eacces();
      return super.openListedFile(input, dir, name);
    }
  }
  beforeAll(() => {
    writeFileSync(path.join(ws.dir, "big.ts"), `needle\n${"x".repeat(200)}`);
    for (const name of ["locked-a.ts", "locked-b.ts", "open.ts"]) writeFileSync(path.join(ws.dir, name), "needle\n");
  });
  afterAll(() => ws.cleanup());

  it("names the first and why, apart from the files over the size limit", async () => {
    const ctx = toolContext(new Locked([ws.dir]));
    const tool = searchFilesTool({ ...ctx, limits: { ...ctx.limits, maxFileBytes: 100 } });
    const result = await callHandler(tool, { pattern: "*.ts", content: "needle" });
    expect(textOf(result)).toBe(
      [
        "open.ts:1: needle",
        "[1 file skipped: over 100 bytes, the limit set by maxFileBytes]",
        '[2 files could not be read (the first "locked-a.ts": permission denied): not searched]',
      ].join("\n"),
    );
    expect(result.structuredContent).toMatchObject({ skipped: 3 });
  });
});

describe("search_files with folders it may not read", () => {
  const ws = tempDir();
  const tool = searchFilesTool(toolContext(new DeniedSandbox([ws.dir])));
  const search = async (args: { path?: string; pattern: string; content?: string }) =>
    textOf(await callHandler(tool, args));
  beforeAll(() => {
    for (const dir of ["a/secret", "b/secret", "open"]) mkdirSync(path.join(ws.dir, dir), { recursive: true });
    writeFileSync(path.join(ws.dir, "a/secret/x.ts"), "needle\n");
    writeFileSync(path.join(ws.dir, "open/y.ts"), "needle\n");
  });
  afterAll(() => ws.cleanup());

  it("counts them and names the first, where a search that found nothing said only no matches", async () => {
    expect(await search({ pattern: "x.ts" })).toBe(
      '[no matches for "x.ts"]\n[2 directories could not be read (the first "a/secret": permission denied): not searched]',
    );
    expect(await search({ path: "a", pattern: "x.ts" })).toBe(
      '[no matches for "x.ts"]\n[1 directory could not be read ("a/secret": permission denied): not searched]',
    );
  });

  it("says so beside the hits it found", async () => {
    expect(await search({ pattern: "*.ts", content: "needle" })).toBe(
      'open/y.ts:1: needle\n[2 directories could not be read (the first "a/secret": permission denied): not searched]',
    );
  });
});

describe("search_files and .gitignore", () => {
  const ws = tempDir();
  /** The sandbox root, below a folder whose .gitignore ignores everything: never read, as it is outside. */
  const root = path.join(ws.dir, "project");
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, ".gitignore"), "*\n");
    const files = [
      "src/main.ts",
      "src/gen/g.ts",
      "dist/out.js",
      "node_modules/dep/i.js",
      "logs/a.log",
      "logs/keep.log",
    ];
    for (const file of [
      ...files,
      "pkg/a/build/b.js",
      "pkg/a/src/s.ts",
      "pkg/a/x.log",
      "pkg/x.log",
      "top.txt",
      "sub/top.txt",
    ]) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), `TODO ${file}\n`);
    }
    writeFileSync(
      path.join(root, ".gitignore"),
      "# build output\ndist/\nnode_modules/\n*.log\n!keep.log\n/top.txt\nsrc/gen/\n",
    );
    writeFileSync(path.join(root, "pkg/a/.gitignore"), "build/\n");
    writeFileSync(path.join(root, "pkg/.ignore"), "!x.log\n");
    s = await connect({ root });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("skips what the .gitignore and .ignore files of each folder ignore, rules scoped to their folder", async () => {
    expect(textOf(await s.call("search_files", { pattern: "*.*", content: "TODO" }))).toBe(
      [
        "logs/keep.log:1: TODO logs/keep.log",
        "pkg/a/src/s.ts:1: TODO pkg/a/src/s.ts",
        "pkg/a/x.log:1: TODO pkg/a/x.log",
        "pkg/x.log:1: TODO pkg/x.log",
        "src/main.ts:1: TODO src/main.ts",
        "sub/top.txt:1: TODO sub/top.txt",
      ].join("\n"),
    );
  });

  it("says, finding nothing, how many entries the rules kept it from, and includeIgnored searches them", async () => {
    expect(textOf(await s.call("search_files", { pattern: "*.js" }))).toBe(
      '[no matches for "*.js"; 6 entries ignored by .gitignore or .ignore not searched (the first "dist/"): includeIgnored: true searches them too]',
    );
    const all = await s.call("search_files", { pattern: "*.js", includeIgnored: true });
    expect(textOf(all)).toBe("dist/out.js\nnode_modules/dep/i.js\npkg/a/build/b.js");
    // Ignoring case would name only files the search may see: none here.
    expect(textOf(await s.call("search_files", { pattern: "*.JS" }))).toMatch(/^\[no matches for "\*\.JS"; 6 entries/);
    expect(textOf(await s.call("search_files", { path: "pkg/a", pattern: "*.js" }))).toBe(
      '[no matches for "*.js"; 1 entry ignored by .gitignore or .ignore not searched, "pkg/a/build/": includeIgnored: true searches it too]',
    );
  });

  it("reads the rules of the folders between the root and its path, and searches a path they ignore", async () => {
    expect(textOf(await s.call("search_files", { path: "pkg/a", pattern: "*", content: "TODO" }))).toBe(
      "src/s.ts:1: TODO pkg/a/src/s.ts\nx.log:1: TODO pkg/a/x.log",
    );
    expect(textOf(await s.call("search_files", { path: "src", pattern: "*.ts" }))).toBe("main.ts");
    expect(textOf(await s.call("search_files", { path: "dist", pattern: "*.js" }))).toBe("out.js");
    expect(textOf(await s.call("search_files", { path: "src/gen", pattern: "*.ts" }))).toBe("g.ts");
  });
});

describe("search_files in UTF-16 and CR-ended text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    const le = Buffer.from("\uFEFFName  Value\r\nalpha 1\r\nbeta  2 é\r\n", "utf16le");
    writeFileSync(path.join(ws.dir, "ps.txt"), le);
    writeFileSync(path.join(ws.dir, "be.txt"), Buffer.from(le).swap16());
    writeFileSync(path.join(ws.dir, "mac.csv"), "a,b\rone,1\rtwo,2\rthree,3\r");
    writeFileSync(path.join(ws.dir, "unmarked.txt"), Buffer.from("beta  2\r\n", "utf16le"));
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it.each([
    ["beta", "be.txt:3: beta  2 é\nps.txt:3: beta  2 é"],
    ["/2 é$/", "be.txt:3: beta  2 é\nps.txt:3: beta  2 é"],
    ["two", "mac.csv:3: two,2"],
    ["/^t/", "mac.csv:3: two,2\nmac.csv:4: three,3"],
  ])("finds %s on its line, with its number", async (content, expected) => {
    expect(textOf(await s.call("search_files", { pattern: "*.*", content }))).toBe(expected);
  });
});
