import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { Budget } from "../src/budget.js";
import { globMatcher, globsNamed, suffixGlob } from "../src/glob.js";

const matches = async (pattern: string, rel: string, name: string) =>
  (await (await globMatcher([pattern])).test([{ rel, name }], new Budget(10_000)))[0];

describe("globMatcher", () => {
  it.each([
    ["*.ts", "src/a.ts", "a.ts", true],
    ["src/**/*.ts", "src/x/y/a.ts", "a.ts", true],
    ["**/src/**/*.ts", "p/src/x/a.ts", "a.ts", true],
    ["*foo*bar*", "afoobbarc", "afoobbarc", true],
    ["*.{js,ts}", "a.md", "a.md", false],
    ["*.{js,ts}", "a.ts", "a.ts", true],
    ["{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}.txt", "bdfhjlnp.txt", "bdfhjlnp.txt", true],
    ["!(*.ts)", "a.md", "a.md", true],
    ["!(*.ts)", "a.ts", "a.ts", false],
    ["file{1..3}.txt", "file2.txt", "file2.txt", true],
  ])("%j on %j: %s", async (pattern, rel, name, expected) => {
    expect(await matches(pattern, rel, name)).toBe(expected);
  });

  it.each([
    // A trailing "/" names a directory, as in .gitignore: a bare one at any depth, one with a "/" by its path.
    ["node_modules/", "node_modules", true, true],
    ["node_modules/", "pkg/node_modules", true, true],
    ["node_modules/", "node_modules", false, false],
    ["*.txt/", "a.txt", false, false],
    ["src/lib/", "src/lib", true, true],
    ["src/lib//", "src/lib", true, true],
    ["src/lib/", "x/src/lib", true, false],
    ["**/", "any/dir", true, true],
    ["**/", "any/file", false, false],
  ])("%j on %j (a directory: %s): %s", async (pattern, rel, dir, expected) => {
    const name = rel.split("/").at(-1) as string;
    expect((await (await globMatcher([pattern])).test([{ rel, name, dir }], new Budget(10_000)))[0]).toBe(expected);
  });

  // A line terminator is a character of a name like any other: `**` and `*` take it, with or without the shortcut.
  it.each([
    ["**", "a\nb.txt"],
    ["**", "d\ne/x.txt"],
    ["*", "\nx"],
    ["**/*.txt", "a\r\n[FILE] b.txt"],
    ["src/**", "src/a\u2028b"],
    ["**/src/*.ts", "n\nl/src/a.ts"],
    ["{a,b}*", "a\nb"],
  ])("%j matches %j", async (pattern, rel) => {
    expect(await matches(pattern, rel, rel.split("/").at(-1) as string)).toBe(true);
  });

  // The suffix shortcut must answer exactly as picomatch would, for names and paths of every shape.
  it.each(["*.txt", "**/*.txt", "*", "**", "**/*", "*.d.ts", "*_x-1", "*."])(
    "%j matches as picomatch does",
    async (pattern) => {
      expect(suffixGlob(pattern)).toBeDefined();
      const made = picomatch.makeRe(pattern, { dot: true });
      const re = new RegExp(made.source, "s");
      // Never "." or "..": readdir leaves them out. Line terminators are legal in names, and every one matches.
      const names = ["a.txt", ".txt", "a.txt.bak", "txt", ".hidden.txt", "b.d.ts", "c_x-1", "x.", "...", "a", "é.txt"];
      names.push("\na.txt", "a\n.txt", "\r.txt", "\u2028x.", ".\n.txt");
      for (const dir of ["", "d/", ".git/", "d/e/", "n\nl/"]) {
        const items = names.map((name) => ({ rel: `${dir}${name}`, name }));
        const expected = items.map(({ rel, name }) =>
          pattern.includes("/") ? re.test(rel) : re.test(name) || re.test(rel),
        );
        expect(await (await globMatcher([pattern])).test(items, new Budget(10_000))).toEqual(expected);
      }
    },
  );

  it.each(["*.{js,ts}", "src/*.ts", "a*.txt", "*.t?t", "**/x/*.txt"])("%j is not a suffix glob", (pattern) => {
    expect(suffixGlob(pattern)).toBeUndefined();
  });

  it.each([
    ["*a*a*a*b", /more than 3 wildcards that repeat/],
    ["*(a)*(a)*(a)*(a)*(a)b", /more than 3 wildcards that repeat/],
    [`{${Array(5000).fill("a".repeat(50)).join(",")}}`, /exceeds maximum allowed length.*shorter, simpler glob/],
    // Issue 13: no wildcard repeats, yet 2^30 ways to split a 40-character name took 46 s.
    [`${"{?,?}".repeat(30)}Z`, /combine over a billion ways, over the 256 allowed/],
    [`${"{?,?}".repeat(60)}Z`, /combine over a billion ways/],
    [`${"{?,?,?}".repeat(6)}Z`, /combine 729 ways, over the 256 allowed/],
    [`${"@(?|?)".repeat(30)}Z`, /combine over a billion ways/],
    [`${"?(?)".repeat(30)}Z`, /combine 536870912 ways, over the 256 allowed/],
    [`{${"{?,?}".repeat(20)},x}Z`, /combine 1048577 ways/],
    ["*(a|b)x", /a repeated group of alternatives/],
    ["", /^glob "": empty; give one such as \* \(every name\) or \*\*\/\*\.md$/],
  ])("refuses %j, naming it", async (pattern, reason) => {
    await expect(globMatcher([pattern])).rejects.toThrow(reason);
    await expect(globMatcher([pattern])).rejects.toThrow(/^glob "/);
  });

  it("stops a name that alone fills a slice, naming the glob and the name", async () => {
    // Within both caps (8 groups, 3 stars), yet on a 250-character name this backtracks for about a second.
    const matcher = await globMatcher([`${"{?,?}".repeat(8)}*a*a*b`]);
    const name = "a".repeat(250);
    await expect(matcher.test([{ rel: name, name }], new Budget(10_000))).rejects.toThrow(
      /^glob ".*": matching "a+…" took over 100 ms; use a simpler glob/,
    );
  });

  it("names a bounded prefix of many globs, and how many there are", async () => {
    const slow = `${"{?,?}".repeat(8)}*a*a*b`;
    const matcher = await globMatcher([slow, ...Array.from({ length: 10_000 }, (_, i) => `x${i}`)]);
    const name = "a".repeat(250);
    const error = await matcher.test([{ rel: name, name }], new Budget(10_000)).then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(error?.message).toMatch(
      /^globs "\{\?,\?\}.*", "x0", .* and \d+ more \(10001 in all\): matching "a+…" took over/,
    );
    expect(Buffer.byteLength(error?.message ?? "")).toBeLessThan(600);
  });

  it("matches a first name against thousands of globs, compiled outside the matching slices", async () => {
    const matcher = await globMatcher(Array.from({ length: 10_000 }, (_, i) => `x${i}`));
    const items = [
      { rel: "a.txt", name: "a.txt" },
      { rel: "d/x9999", name: "x9999" },
    ];
    expect(await matcher.test(items, new Budget(10_000))).toEqual([false, true]);
  });
});

describe("globsNamed", () => {
  it.each([
    [["*.ts"], 'glob "*.ts"'],
    [["a", "b"], 'globs "a", "b"'],
    [
      Array.from({ length: 100 }, (_, i) => `dir${i}/**`),
      /^globs "dir0\/\*\*", .*"dir\d+\/\*\*" and \d+ more \(100 in all\)$/,
    ],
    [["x".repeat(5000), "y"], /^globs "x{200}…" and 1 more \(2 in all\)$/],
  ])("%j", (patterns, expected) => {
    const named = globsNamed(patterns);
    if (typeof expected === "string") expect(named).toBe(expected);
    else expect(named).toMatch(expected);
    expect(Buffer.byteLength(named)).toBeLessThan(450);
  });
});
