// Making or removing a name needs write permission on its folder alone: a refusal names that folder, where "on the
// file or on a folder of its path" left the model to guess which. Root passes every permission check, so as root
// each call runs as nobody (the server is in-process).
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asNobodyIfRoot, connect, tempDir, textOf } from "./helpers.js";

describe("a folder the server's user may read but not write (mode 555)", () => {
  const ws = tempDir();
  const shut = path.join(ws.dir, "shut");
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    mkdirSync(shut);
    writeFileSync(path.join(shut, "f.txt"), "kept");
    if (process.getuid?.() === 0) for (const p of [ws.dir, shut, path.join(shut, "f.txt")]) chownSync(p, 65534, 65534);
    chmodSync(shut, 0o555);
    s = await connect({ root: ws.dir });
  });
  afterAll(async () => {
    await s.close();
    chmodSync(shut, 0o755);
    ws.cleanup();
  });

  it.each([
    ["write_file", { path: "shut/new.txt", content: "n" }, "shut/new.txt", "nothing written"],
    ["write_file", { path: "shut/deep/new.txt", content: "n" }, "shut/deep/new.txt", "no folder made"],
    ["create_directory", { path: "shut/a/b" }, "shut/a/b", "no folder made"],
    ["delete_file", { path: "shut/f.txt" }, "shut/f.txt", "nothing deleted"],
  ])("%s %o names the folder that refuses", async (tool, args, input, undone) => {
    const result = await asNobodyIfRoot(() => s.call(tool, args));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `${tool} failed: "${input}": permission denied: the folder "shut" is not writable by the server's user; ${undone} — ask the user to grant write (w) permission on the folder, or use another path`,
    );
    expect(readdirSync(shut)).toEqual(["f.txt"]);
    expect(existsSync(path.join(shut, "f.txt"))).toBe(true);
  });
});
