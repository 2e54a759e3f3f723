import { beforeAll, describe, expect, it } from "vitest";
import {
  aboveScope,
  folderScope,
  type IgnoreFactory,
  type IgnoreScope,
  isIgnored,
  loadIgnore,
  MAX_RULE_GLOBSTARS,
  MAX_RULE_WILDCARDS,
  ruleLines,
} from "../src/ignore-rules.js";

let make: IgnoreFactory;
beforeAll(async () => {
  make = await loadIgnore();
});

/** Scopes from the start down: [folder below the start ("" the start), its ignore files' texts]. */
function scopes(...folders: [string, string[]][]): IgnoreScope | undefined {
  return folders.reduce<IgnoreScope | undefined>(
    (parent, [at, texts]) => folderScope(make, parent, at, texts),
    undefined,
  );
}

describe("isIgnored", () => {
  const root = "node_modules/\ndist\n*.log\n!keep.log\n/top.txt\nbuild/\ndocs/*.md\n**/gen/**\n\\#hash\n";
  it.each([
    // Unanchored names match at any depth; a directory-only rule only directories.
    ["node_modules", true, true],
    ["a/b/node_modules", true, true],
    ["node_modules", false, false],
    ["dist", false, true],
    ["x/dist", true, true],
    ["build", false, false],
    ["pkg/build", true, true],
    // Negation: the last rule that matches decides.
    ["logs/a.log", false, true],
    ["logs/keep.log", false, false],
    // A leading "/", or a "/" inside, anchors the rule to the folder of its file.
    ["top.txt", false, true],
    ["sub/top.txt", false, false],
    ["docs/a.md", false, true],
    ["x/docs/a.md", false, false],
    ["docs/sub/a.md", false, false],
    ["src/gen/a.ts", false, true],
    ["#hash", false, true],
    ["src/main.ts", false, false],
    // Case-sensitive, as git and ripgrep are on Linux ("ignore" ignores case unless told not to).
    ["Dist", false, false],
    ["logs/A.LOG", false, false],
    // A name of dots is a name (ignore would otherwise refuse it as a relative path).
    ["...", false, false],
  ])("%s (directory: %s) → %s", (rel, dir, ignored) => {
    expect(isIgnored(scopes(["", [root]]), rel, dir)).toBe(ignored);
  });

  const nested = () => scopes(["", ["*.log\nsecret/\n"]], ["pkg", ["!*.log\n/out\n"]], ["pkg/sub", ["", "x.txt\n"]]);
  it.each([
    // A deeper folder's rules win over a shallower one's; they see paths from their own folder.
    ["a.log", false, true],
    ["pkg/a.log", false, false],
    ["pkg/deep/a.log", false, false],
    ["pkg/out", true, true],
    ["pkg/deep/out", true, false],
    ["out", true, false],
    ["pkg/secret", true, true],
    ["pkg/sub/x.txt", false, true],
    ["pkg/x.txt", false, false],
  ])("nested: %s (directory: %s) → %s", (rel, dir, ignored) => {
    expect(isIgnored(nested(), rel, dir)).toBe(ignored);
  });

  it(".ignore's rules, read after .gitignore's, win over them", () => {
    const scope = scopes(["", ["*.txt\n", "!keep.txt\n"]]);
    expect(isIgnored(scope, "a.txt", false)).toBe(true);
    expect(isIgnored(scope, "keep.txt", false)).toBe(false);
  });

  it("reads the rules of folders above the start as paths from their own folder", () => {
    // The start is pkg/a below the folder whose .gitignore says "/pkg/a/gen" and "*.tmp".
    const above = aboveScope(make, undefined, "pkg/a", ["/pkg/a/gen\n*.tmp\n/gen\n"]);
    expect(isIgnored(above, "gen", true)).toBe(true);
    expect(isIgnored(above, "x/y.tmp", false)).toBe(true);
    expect(isIgnored(above, "src", true)).toBe(false);
    expect(isIgnored(above, "", true)).toBe(false);
    expect(isIgnored(aboveScope(make, undefined, "pkg/a", ["pkg/\n"]), "", true)).toBe(true);
  });

  it("has no scope for files of comments and blank lines", () => {
    expect(scopes(["", ["# build output\n\n   \n", ""]])).toBeUndefined();
    expect(isIgnored(undefined, "anything", false)).toBe(false);
  });
});

describe("ruleLines", () => {
  it.each([
    ["*.log", ["*.log"]],
    ["a\r\nb\n", ["a", "b", ""]],
    // Up to MAX_RULE_WILDCARDS runs of "*" ("**" is one run); an escaped "\*" is a literal star.
    ["**/a*b*c", ["**/a*b*c"]],
    ["*a*b*c*", []],
    ["x/**/x/**/x/**/x/**/y", []],
    // At most MAX_RULE_GLOBSTARS "**" before the rule's end: each one more multiplies the cost by the path's depth.
    ["**/gen/**", ["**/gen/**"]],
    ["x/**/y.ts", ["x/**/y.ts"]],
    ["**/a/**/b", []],
    ["x/**/x/**/x/**/y", []],
    ["a\\**/**/b", ["a\\**/**/b"]],
    ["\\*a\\*b\\*c\\*d*", ["\\*a\\*b\\*c\\*d*"]],
  ])("%j → %j", (text, lines) => {
    expect(MAX_RULE_WILDCARDS).toBe(3);
    expect(MAX_RULE_GLOBSTARS).toBe(1);
    expect(ruleLines(text)).toEqual(lines);
  });
});
