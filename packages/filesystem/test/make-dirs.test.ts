import { closeSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asDirectory, makeDirs } from "../src/make-dirs.js";
import { Sandbox } from "../src/sandbox.js";
import { tempDir } from "./helpers.js";

const base = tempDir("fs-make-dirs-");
mkdirSync(path.join(base.dir, "have"));
writeFileSync(path.join(base.dir, "file.txt"), "x");
afterAll(() => base.cleanup());

describe.each([
  ["/proc/self/fd", undefined],
  ["the portable fallback", false],
])("makeDirs (%s)", (_, procFd) => {
  const sandbox = new Sandbox([base.dir], procFd, ["keep/secret"]);

  it("makes every missing component and returns the last one opened", () => {
    const target = path.join(base.dir, "have", `a-${String(procFd)}`, "b", "c");
    const dir = makeDirs(sandbox, "have/a/b/c", base.dir, target);
    closeSync(dir.fd);
    expect(dir.real).toBe(target);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it("refuses a hidden component, making the directories above it only", () => {
    expect(() => makeDirs(sandbox, "keep/secret/x", base.dir, path.join(base.dir, "keep", "secret", "x"))).toThrow(
      /"keep\/secret\/x": kept from the file tools by the server's --hide setting/,
    );
    expect(existsSync(path.join(base.dir, "keep"))).toBe(true);
    expect(existsSync(path.join(base.dir, "keep", "secret"))).toBe(false);
  });

  it("refuses a file in the way, naming it", () => {
    expect(() => makeDirs(sandbox, "file.txt/x", base.dir, path.join(base.dir, "file.txt", "x"))).toThrow(
      /"file.txt\/x": .*file.txt is a file, not a directory/,
    );
  });
});

describe("asDirectory", () => {
  const sandbox = new Sandbox([base.dir]);

  it("passes a directory through and refuses a file", () => {
    const dir = asDirectory(sandbox, "have", sandbox.open("have"));
    closeSync(dir.fd);
    const file = sandbox.open("file.txt");
    expect(() => asDirectory(sandbox, "file.txt", file)).toThrow(/"file.txt": file.txt is a file, not a directory/);
    // It closed the file's descriptor before refusing.
    expect(() => closeSync(file.fd)).toThrow(/EBADF/);
  });
});
