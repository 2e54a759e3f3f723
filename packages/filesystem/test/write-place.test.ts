import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox.js";
import { writeFileTool } from "../src/tools/write-file.js";
import { writeAtomic } from "../src/write.js";
import { callHandler, tempDir, textOf, toolContext } from "./helpers.js";

// Another process (a cleaner of *.tmp files) removes a write's temp file at the worst moment: the sandbox's calls are
// where the write links or renames it, so a sandbox that removes every temp file around them stands in for that
// process at exactly that instant, every time.

const ws = tempDir();
afterAll(() => ws.cleanup());
afterEach(() => {
  for (const name of readdirSync(ws.dir)) unlinkSync(path.join(ws.dir, name));
});

const temps = () => readdirSync(ws.dir).filter((name) => name.endsWith(".tmp"));

/** A sandbox whose every call is followed (`after`) or preceded by another process removing the temp files. */
class TempReaper extends Sandbox {
  constructor(private readonly when: "before" | "after") {
    super([ws.dir]);
  }
  override call<T>(input: string, fn: () => T): T {
    if (this.when === "before") for (const name of temps()) unlinkSync(path.join(ws.dir, name));
    const result = super.call(input, fn);
    if (this.when === "after") for (const name of temps()) unlinkSync(path.join(ws.dir, name));
    return result;
  }
}

describe("a write whose temp file another process removes", () => {
  it("says a new file was created when its temp name is removed right after it was linked in, as it was", async () => {
    const file = path.join(ws.dir, "new.txt");
    const done = await writeAtomic(new TempReaper("after"), "new.txt", file, "mine", false);
    expect([done.created, readFileSync(file, "utf8"), temps()]).toEqual([true, "mine", []]);
    const ctx = toolContext(new TempReaper("after"));
    const reply = await callHandler(writeFileTool(ctx), { path: "other.txt", content: "theirs too" });
    expect([reply.isError, textOf(reply)]).toEqual([undefined, "created other.txt (10 bytes)"]);
    expect(readFileSync(path.join(ws.dir, "other.txt"), "utf8")).toBe("theirs too");
  });

  it.each([
    ["a new file", false],
    ["a replacement", true],
  ])(
    "of %s, removed before it was put in place, says so and that nothing was written, not 'not found'",
    async (_, replacing) => {
      const file = path.join(ws.dir, "f.txt");
      if (replacing) writeFileSync(file, "as it was");
      const ctx = toolContext(new TempReaper("before"));
      await expect(callHandler(writeFileTool(ctx), { path: "f.txt", content: "mine" })).rejects.toThrow(
        /^"f\.txt": the temp file this write made beside it, "?\.f\.txt\.[0-9a-f]{12}\.tmp"?, was removed by another process \(or its folder was\) before it could be put in place; nothing written — call again/,
      );
      expect(readdirSync(ws.dir)).toEqual(replacing ? ["f.txt"] : []);
      if (replacing) expect(readFileSync(file, "utf8")).toBe("as it was");
    },
  );
});
