import { describe, expect, it } from "vitest";
import { isVcsDir, namesVcsDir, vcsEnter } from "../src/vcs-dirs.js";

describe("isVcsDir", () => {
  it.each([
    [".git", true],
    [".hg", true],
    [".svn", true],
    [".jj", true],
    [".gitignore", false],
    ["git", false],
    [".GIT", false],
    ["src", false],
  ])("%j → %s", (name, vcs) => {
    expect(isVcsDir(name)).toBe(vcs);
  });
});

describe("namesVcsDir", () => {
  it.each([
    [".git/**", true],
    ["**/.git/**", true],
    ["sub/.hg/store/*", true],
    [".git/config", true],
    // The folders themselves: found without going into them.
    [".git", false],
    [".svn/", false],
    ["**/.git", false],
    ["*.pack", false],
    ["**/*", false],
    [".git*", false],
    ["README.md", false],
    ["x.git/**", false],
  ])("%j → %s", (glob, names) => {
    expect(namesVcsDir(glob)).toBe(names);
  });
});

describe("vcsEnter", () => {
  it("passes over version-control folders, counting them and keeping the first's path", () => {
    const passed = { count: 0 };
    const enter = vcsEnter("*.md", passed);
    expect(enter?.({ name: "src", rel: "src" })).toBe(true);
    expect(enter?.({ name: ".git", rel: ".git" })).toBe(false);
    expect(enter?.({ name: ".hg", rel: "vendor/x/.hg" })).toBe(false);
    expect(passed).toEqual({ count: 2, first: ".git" });
  });

  it("goes into every folder when the glob names one", () => {
    expect(vcsEnter(".git/**")).toBeUndefined();
  });
});
