import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, textOf } from "../helpers.js";

const CAP = 4096;

describe("read_multiple_files", () => {
  const ws = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    writeFileSync(path.join(ws.dir, "a.txt"), "alpha");
    writeFileSync(path.join(ws.dir, "b.txt"), "beta");
    writeFileSync(path.join(ws.dir, "long.txt"), `${"long line\n".repeat(5000)}`);
    s = await connect({ root: ws.dir, maxResponseBytes: CAP, maxFiles: 4 });
  });
  afterAll(async () => {
    await s.close();
    ws.cleanup();
  });

  it("reads each file, and one failure doesn't stop the rest", async () => {
    const result = await s.call("read_multiple_files", { paths: ["a.txt", "missing.txt", "../x", "b.txt"] });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toContain("== a.txt ==\nalpha\n");
    expect(text).toMatch(/== missing.txt ==\n\[error: "missing.txt": not found/);
    expect(text).toMatch(/== \.\.\/x ==\n\[error: .*outside the workspace root/);
    expect(text).toContain("== b.txt ==\nbeta\n");
  });

  it("shares one byte budget: a long file is paged and the others still fit", async () => {
    const text = textOf(await s.call("read_multiple_files", { paths: ["long.txt", "a.txt", "long.txt", "b.txt"] }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(CAP);
    expect(text).toMatch(/\[showing lines 1–\d+ of 5000; call again with offset=\d+\]/);
    expect(text).toContain("alpha");
    expect(text).toContain("beta");
  });

  it("reads at most maxFiles paths and says how many it left", async () => {
    const text = textOf(
      await s.call("read_multiple_files", { paths: ["a.txt", "a.txt", "a.txt", "a.txt", "b.txt", "b.txt"] }),
    );
    expect(text).toContain("[2 more paths not read: at most 4 per call]");
    expect(text).not.toContain("beta");
  });

  it("refuses an empty list", async () => {
    const result = await s.call("read_multiple_files", { paths: [] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("paths is empty");
  });
});
