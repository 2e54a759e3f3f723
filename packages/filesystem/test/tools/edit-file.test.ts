import { chmodSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_EDITS } from "../../src/tools/edit-file.js";
import { connect, tempDir, textOf } from "../helpers.js";

const ORIGINAL = ["one", "two", "target", "four", "five", "six", "seven", "eight", "target", "ten"].join("\n");

describe("edit_file", () => {
  const ws = tempDir();
  const file = path.join(ws.dir, "notes.txt");
  let s: Awaited<ReturnType<typeof connect>>;
  beforeEach(async () => {
    writeFileSync(file, ORIGINAL);
    s ??= await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("replaces text that matches once and returns a unified diff", async () => {
    const result = await s.call("edit_file", { path: "notes.txt", edits: [{ oldText: "four", newText: "FOUR" }] });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toMatch(/^edited:\n/);
    expect(text).toContain("--- notes.txt");
    expect(text).toContain("+++ notes.txt");
    expect(text).toContain("-four\n+FOUR");
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL.replace("four", "FOUR"));
  });

  it("applies every one of many edits of one file sent at once (a model's parallel calls), none lost", async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i} old`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const results = await Promise.all(
      lines.map((line, i) =>
        s.call("edit_file", { path: "notes.txt", edits: [{ oldText: line, newText: `line ${i} new` }] }),
      ),
    );
    expect(results.filter((result) => result.isError).map(textOf)).toEqual([]);
    expect(readFileSync(file, "utf8")).toBe(`${lines.map((line) => line.replace("old", "new")).join("\n")}\n`);
  });

  it("shows a line's no-break space escaped when an oldText typed with a plain space is not found, so a retry matches", async () => {
    writeFileSync(file, "Total:\u00a0100\u00a0EUR\n");
    const refused = await s.call("edit_file", {
      path: "notes.txt",
      edits: [{ oldText: "Total: 100 EUR", newText: "x" }],
    });
    expect(refused.isError).toBe(true);
    const shown = /which reads ("[^"]*")/.exec(textOf(refused))?.[1] as string;
    expect(shown).toBe('"Total:\\u00a0100\\u00a0EUR"');
    // The model copies the line as shown: its JSON string holds the no-break spaces.
    const retried = await s.call("edit_file", {
      path: "notes.txt",
      edits: [{ oldText: JSON.parse(shown), newText: "Total: 90 EUR" }],
    });
    expect(textOf(retried)).toMatch(/^edited:/);
    expect(readFileSync(file, "utf8")).toBe("Total: 90 EUR\n");
  });

  it("says when the file it edited had another hard link, which keeps the old text", async () => {
    const other = path.join(ws.dir, "notes-link.txt");
    linkSync(file, other);
    const result = await s.call("edit_file", { path: "notes.txt", edits: [{ oldText: "four", newText: "FOUR" }] });
    expect(textOf(result)).toMatch(
      /^edited \(the file had 1 other hard link, which keeps the old content: the write made a new file under this name only\):\n/,
    );
    expect(readFileSync(other, "utf8")).toBe(ORIGINAL);
    unlinkSync(other);
  });

  it(`applies ${MAX_EDITS} edits in one call and refuses more, changing nothing`, async () => {
    const lines = Array.from({ length: MAX_EDITS + 1 }, (_, i) => `line ${i};`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const edits = lines.map((line, i) => ({ oldText: line, newText: `row ${i};` }));
    const refused = await s.call("edit_file", { path: "notes.txt", edits });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain(
      `"notes.txt": ${MAX_EDITS + 1} edits, over the ${MAX_EDITS} one edit_file call applies; nothing changed. Send them in calls of at most ${MAX_EDITS}, or write_file the whole file`,
    );
    expect(readFileSync(file, "utf8")).toBe(`${lines.join("\n")}\n`);
    const applied = await s.call("edit_file", { path: "notes.txt", edits: edits.slice(0, MAX_EDITS) });
    expect(textOf(applied)).toMatch(/^edited:/);
    expect(readFileSync(file, "utf8")).toMatch(
      new RegExp(`^row 0;\n[^]*\nrow ${MAX_EDITS - 1};\nline ${MAX_EDITS};\n$`),
    );
  });

  it("refuses an edit that would grow the file past --max-file-bytes, dry run or not, and changes nothing", async () => {
    const small = await connect({ root: ws.dir, maxFileBytes: ORIGINAL.length + 10 });
    try {
      const edits = [{ oldText: "four", newText: "four and then some" }];
      for (const dryRun of [false, true]) {
        const result = await small.call("edit_file", { path: "notes.txt", edits, dryRun });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toBe(
          `edit_file failed: "notes.txt": edited, the file would be ${ORIGINAL.length + 14} B, over the ${ORIGINAL.length + 10} B edit limit, which the server's operator sets with maxFileBytes; file unchanged. Put the rest in another file`,
        );
      }
      expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
      // Up to the limit exactly, it is edited.
      const fits = await small.call("edit_file", {
        path: "notes.txt",
        edits: [{ oldText: "four", newText: "four plus ten." }],
      });
      expect(fits.isError).toBeFalsy();
      expect(statSync(file).size).toBe(ORIGINAL.length + 10);
    } finally {
      await small.close();
    }
  });

  it("refuses ambiguous text, naming the count and lines, and changes nothing", async () => {
    const result = await s.call("edit_file", { path: "notes.txt", edits: [{ oldText: "target", newText: "x" }] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("ambiguous: 2 matches at lines 3 and 9");
    expect(textOf(result)).toContain("file unchanged");
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it("applies all edits or none", async () => {
    const result = await s.call("edit_file", {
      path: "notes.txt",
      edits: [
        { oldText: "one", newText: "ONE" },
        { oldText: "missing", newText: "x" },
      ],
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/edit 2: oldText not found .*read_file/);
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it("previews with dryRun without writing", async () => {
    const result = await s.call("edit_file", {
      path: "notes.txt",
      edits: [{ oldText: "two", newText: "TWO" }],
      dryRun: true,
    });
    expect(textOf(result)).toMatch(/^dry run, file unchanged:\n[\s\S]*-two\n\+TWO/);
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it("shows an edit in a minified line around the change, where the diff would not fit whole", async () => {
    // Two copies of a 200 kB line are over the 64 KiB reply: cut at the cap, the diff never reached the change.
    const bundle = `${"function f(a){return a};".repeat(8000)}var TOKEN=1;${"var v=0;".repeat(100)}\n`;
    writeFileSync(file, bundle);
    const result = await s.call("edit_file", {
      path: "notes.txt",
      edits: [{ oldText: "TOKEN=1", newText: "TOKEN=2" }],
    });
    const text = textOf(result);
    expect(text).toMatch(/\n-…[^\n]{50}var TOKEN=1;(var v=0;){7}var…\n/);
    expect(text).toMatch(/\n\+…[^\n]{50}var TOKEN=2;(var v=0;){7}var…\n/);
    expect(text).toMatch(
      /\[2 lines over 400 characters cut around the change \(…\), so the diff fits; read_file shows them whole\]$/,
    );
    expect(Buffer.byteLength(text)).toBeLessThan(2000);
    expect(readFileSync(file, "utf8")).toBe(bundle.replace("TOKEN=1", "TOKEN=2"));
  });

  it("matches LF edits against a CRLF file and keeps CRLF and the file's mode", async () => {
    writeFileSync(file, "a\r\nb\r\nc\r\n");
    chmodSync(file, 0o640);
    const result = await s.call("edit_file", { path: "notes.txt", edits: [{ oldText: "a\nb", newText: "A\nB" }] });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("A\r\nB\r\nc\r\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it("in a file with CRLF and LF lines, writes each new line with the line end of the lines it replaces", async () => {
    // An LF header, then a CRLF body (a Windows file a tool prepended to).
    writeFileSync(file, "# generated\nkeep\nfirst\r\nsecond\r\nthird\r\n");
    const result = await s.call("edit_file", {
      path: "notes.txt",
      edits: [
        { oldText: "second", newText: "second\nadded" },
        { oldText: "keep", newText: "keep\nalso kept" },
      ],
    });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("# generated\nkeep\nalso kept\nfirst\r\nsecond\r\nadded\r\nthird\r\n");
  });

  it.each([false, true])(
    "refuses a file that is not UTF-8, naming the byte, and leaves every byte as it was (dryRun %s)",
    async (dryRun) => {
      const latin1 = path.join(ws.dir, "latin1.txt");
      const bytes = Buffer.from("caf\xe9 na\xefve\nsecond line\n", "latin1");
      writeFileSync(latin1, bytes);
      const result = await s.call("edit_file", {
        path: "latin1.txt",
        edits: [{ oldText: "second", newText: "2nd" }],
        dryRun,
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('"latin1.txt": not UTF-8 at byte offset 3 (0xe9, line 1)');
      expect(textOf(result)).toContain("changed nothing");
      expect(textOf(result)).toContain("write_file can replace the whole file");
      expect(readFileSync(latin1).equals(bytes)).toBe(true);
    },
  );

  it("edits UTF-8 text with multi-byte characters, keeping them byte for byte", async () => {
    const utf8 = path.join(ws.dir, "utf8.txt");
    writeFileSync(utf8, "café naïve 😀\nsecond line\n");
    const result = await s.call("edit_file", { path: "utf8.txt", edits: [{ oldText: "second", newText: "2nd" }] });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(utf8, "utf8")).toBe("café naïve 😀\n2nd line\n");
  });

  it.each([
    [
      { oldText: "four", newText: "FOUR", replaceAll: true },
      "edits.0: no field named replaceAll; it takes oldText, newText",
    ],
    [
      { old_string: "four", new_string: "FOUR" },
      "edits.0: no fields named old_string, new_string; it takes oldText, newText",
    ],
    [{ oldText: "four", newtext: "FOUR" }, "edits.0: no field named newtext (did you mean newText?)"],
  ])("refuses an edit with a key it does not take, %j, and changes nothing", async (edit, message) => {
    const result = await s.call("edit_file", { path: "notes.txt", edits: [edit] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(message);
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it.each([
    [{ path: "missing.txt", edits: [{ oldText: "a", newText: "b" }] }, /not found — list_directory/],
    [{ path: "notes.txt", edits: [] }, /edits is empty/],
    [{ path: "notes.txt", edits: [{ oldText: "", newText: "b" }] }, /oldText is empty/],
    [{ path: ".", edits: [{ oldText: "a", newText: "b" }] }, /not a regular file/],
  ])("refuses %j", async (args, message) => {
    const result = await s.call("edit_file", args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it("names a file whose name holds a newline escaped in the diff, so the name cannot fake diff lines", async () => {
    writeFileSync(path.join(ws.dir, "a.txt\n+++ fake"), "one\n");
    const result = await s.call("edit_file", { path: "a.txt\n+++ fake", edits: [{ oldText: "one", newText: "two" }] });
    expect(result.isError, textOf(result)).toBeFalsy();
    const diff = textOf(result);
    expect(diff).toContain('--- "a.txt\\n+++ fake"\n+++ "a.txt\\n+++ fake"\n');
    expect(diff.split("\n").filter((line) => line.startsWith("+++"))).toHaveLength(1);
  });
});

describe("edit_file of UTF-16 and CR-ended text", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  const le = (text: string) => Buffer.from(`\uFEFF${text}`, "utf16le");
  const be = (text: string) => le(text).swap16();
  const file = (name: string) => path.join(ws.dir, name);
  beforeEach(async () => {
    s ??= await connect({ root: ws.dir, maxFileBytes: 200 });
  });
  afterAll(async () => {
    await s?.close();
    ws.cleanup();
  });
  const edit = (name: string, oldText: string, newText: string) =>
    s.call("edit_file", { path: name, edits: [{ oldText, newText }] });

  it.each([
    ["UTF-16LE", le],
    ["UTF-16BE", be],
  ])("keeps a %s file's encoding and BOM, changing only the bytes edited", async (_, encode) => {
    writeFileSync(file("ps.txt"), encode("Name  Value\r\nalpha 1\r\nbeta  2 😀\r\n"));
    const result = await edit("ps.txt", "alpha 1\nbeta", "alpha 11\nbeta");
    expect(textOf(result)).toContain("+alpha 11");
    expect(readFileSync(file("ps.txt"))).toEqual(encode("Name  Value\r\nalpha 11\r\nbeta  2 😀\r\n"));
  });

  it("refuses a UTF-16 file that would not be written back as it was, changing nothing", async () => {
    const odd = Buffer.concat([le("ab\n"), Buffer.from([0x63])]);
    writeFileSync(file("odd.txt"), odd);
    const result = await edit("odd.txt", "ab", "AB");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'edit_file failed: "odd.txt": UTF-16LE file with an odd last byte (0x63 at byte offset 8), which would be written back as U+FFFD; edit_file changed nothing (write_file can replace the whole file)',
    );
    const lone = Buffer.from([0xff, 0xfe, 0x61, 0, 0x3d, 0xd8, 0x0a, 0]);
    writeFileSync(file("lone.txt"), lone);
    expect(textOf(await edit("lone.txt", "a", "b"))).toContain("a lone surrogate 0xd83d at byte offset 4");
    expect(readFileSync(file("odd.txt"))).toEqual(odd);
    expect(readFileSync(file("lone.txt"))).toEqual(lone);
  });

  it("counts the edit limit in the file's bytes, as it will be written", async () => {
    writeFileSync(file("grow.txt"), le("x"));
    const result = await edit("grow.txt", "x", "y".repeat(120));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("edited, the file would be 242 B, over the 200 B edit limit");
  });

  it("edits a file whose lines end in CR alone by lines, writing CR back", async () => {
    writeFileSync(file("mac.csv"), "a,b\rone,1\rtwo,2\rthree,3\r");
    const result = await edit("mac.csv", "one,1\ntwo,2\n", "one,1\ntwo,22\nfour,4\r\n");
    expect(textOf(result)).toMatch(
      /^edited:\n\[lines end in CR alone \(classic Mac\), shown in this diff as LF line ends: edit_file writes them back as CR\]\nIndex: mac\.csv\n/,
    );
    expect(textOf(result)).toContain(" one,1\n-two,2\n+two,22\n+four,4\n three,3");
    expect(readFileSync(file("mac.csv"), "latin1")).toBe("a,b\rone,1\rtwo,22\rfour,4\rthree,3\r");
    const ambiguous = await edit("mac.csv", ",", ";");
    expect(textOf(ambiguous)).toContain("lines 1, 2, 3, 4 and 5");
  });

  it("says so above the diff of a file whose lines end in CR alone only when it edits one", async () => {
    writeFileSync(file("lf.txt"), "a\nb\n");
    expect(textOf(await edit("lf.txt", "b", "B"))).not.toContain("CR alone");
    writeFileSync(file("mac2.txt"), "a\rb\r");
    const dry = await s.call("edit_file", { path: "mac2.txt", edits: [{ oldText: "b", newText: "B" }], dryRun: true });
    expect(textOf(dry)).toMatch(/^dry run, file unchanged:\n\[lines end in CR alone .*\]\nIndex: mac2\.txt\n/);
    expect(textOf(await edit("mac2.txt", "b", "b"))).toMatch(/^no change:\nIndex: mac2\.txt\n/);
  });

  it("edits a UTF-16 file whose lines end in CR alone", async () => {
    writeFileSync(file("mac16.txt"), be("x\ry\rz"));
    await edit("mac16.txt", "y\nz", "Y\nZ");
    expect(readFileSync(file("mac16.txt"))).toEqual(be("x\rY\rZ"));
  });
});
