import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox.js";
import { writeAtomic } from "../src/write.js";
import { tempDir } from "./helpers.js";

describe("writeAtomic", () => {
  const ws = tempDir();
  const sandbox = new Sandbox([ws.dir]);
  const file = path.join(ws.dir, "f.txt");
  afterAll(() => ws.cleanup());

  it("refuses to overwrite a change made since the file was read (edit_file's lost update)", async () => {
    writeFileSync(file, "as read");
    const seen = statSync(file);
    writeFileSync(file, "someone else's change, longer");
    await expect(writeAtomic(sandbox, "f.txt", file, "mine", false, seen)).rejects.toThrow(/changed since it was read/);
    expect(readFileSync(file, "utf8")).toBe("someone else's change, longer");
    unlinkSync(file);
    await expect(writeAtomic(sandbox, "f.txt", file, "mine", false, seen)).rejects.toThrow(/deleted since it was read/);
    expect(readdirSync(ws.dir)).toEqual([]);
  });

  it("refuses the second of two writes from one reading that run at once, instead of writing over the first", async () => {
    writeFileSync(file, "as read");
    const seen = statSync(file);
    const results = await Promise.allSettled(
      ["first", "second"].map((content) => writeAtomic(sandbox, "f.txt", file, content, false, seen)),
    );
    const kept = results.flatMap((result, i) => (result.status === "fulfilled" ? [["first", "second"][i]] : []));
    expect(kept).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/changed since it was read; nothing written/);
    expect(readFileSync(file, "utf8")).toBe(kept[0]);
    expect(readdirSync(ws.dir)).toEqual(["f.txt"]);
  });

  it("writes when nothing changed, leaving no temp file", async () => {
    writeFileSync(file, "as read");
    const seen = statSync(file);
    await writeAtomic(sandbox, "f.txt", file, "mine", false, seen);
    expect(readFileSync(file, "utf8")).toBe("mine");
    expect(readdirSync(ws.dir)).toEqual(["f.txt"]);
  });
});
