import { closeSync, mkdirSync, openSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openFailure, unproxied } from "../src/open-failure.js";
import { Sandbox } from "../src/sandbox.js";
import { tempDir } from "./helpers.js";

const base = tempDir("fs-open-failure-");
const root = path.join(base.dir, "root");
mkdirSync(path.join(root, "sub"), { recursive: true });
mkdirSync(path.join(base.dir, "outside"));
symlinkSync("../outside/gone.txt", path.join(root, "out-missing"));
symlinkSync("missing.txt", path.join(root, "dangling"));
const sandbox = new Sandbox([root]);
const enoent = Object.assign(new Error("ENOENT"), { code: "ENOENT" });
afterAll(() => base.cleanup());

describe("openFailure", () => {
  it.each([
    [
      "a symlink leading out, whose target is missing",
      "out-missing",
      /"out-missing": leads through a symlink \(on the path or at its end\) to a place outside the workspace root /,
    ],
    ["a symlink inside whose target is missing", "dangling", /"dangling": is a symlink whose target does not exist/],
    ["a path that is not there", "nothing", /"nothing": not found/],
  ])("%s", (_, name, message) => {
    expect(openFailure(sandbox, name, path.join(root, name), enoent).message).toMatch(message);
  });

  it.each(["EMFILE", "ENFILE"])(
    "names %s on the root itself, whose parent lies outside, as the open-file limit",
    (code) => {
      const error = Object.assign(new Error(code), { code });
      expect(openFailure(sandbox, ".", root, error).message).toMatch(
        new RegExp(`^"\\.": the (server|system) has as many files open as .*\\(${code}`),
      );
    },
  );

  it("never says what a link out reached: a loop outside is refused as outside", () => {
    const loop = Object.assign(new Error("ELOOP"), { code: "ELOOP" });
    expect(openFailure(sandbox, "out-missing", path.join(root, "out-missing"), loop).message).toMatch(/outside/);
  });
});

describe.runIf(process.platform === "linux")("unproxied", () => {
  it("gives an opened directory's /proc/self/fd path as where the directory is", () => {
    const fd = openSync(path.join(root, "sub"), "r");
    try {
      expect(unproxied(`/proc/self/fd/${fd}/a.txt`)).toBe(path.join(root, "sub", "a.txt"));
      expect(unproxied(`/proc/self/fd/${fd}`)).toBe(path.join(root, "sub"));
    } finally {
      closeSync(fd);
    }
  });

  it.each([path.join(root, "sub", "a.txt"), "/proc/self/fdx/3/a.txt", "/proc/self/fd/999999/a.txt"])(
    "leaves %s as it is",
    (at) => {
      expect(unproxied(at)).toBe(at);
    },
  );
});
