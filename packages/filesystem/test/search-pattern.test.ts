import { describe, expect, it } from "vitest";
import { Budget, BudgetExceeded } from "../src/budget.js";
import { compileContentMatcher, RegexTimeoutError } from "../src/search-pattern.js";

type Compiled = Extract<ReturnType<typeof compileContentMatcher>, { ok: true }>;

/** One text's matching lines, throwing what stopped the run, as a grep of a single file sees them. */
async function linesOf(matcher: Compiled, text: string, budget: Budget): Promise<number[]> {
  const { hits, stopped } = await matcher.batchLines([text], budget);
  if (stopped) throw stopped;
  return hits[0] ?? [];
}

describe("compileContentMatcher", () => {
  it.each([
    ["TODO", "a TODO here", true],
    ["TODO", "a todo here", false],
    ["a.b", "axb", false], // plain text is literal
    ["a.b", "a.b", true],
    ["/a.b/", "axb", true],
    ["/^todo/i", "TODO: x", true],
    ["/^todo/i", "x TODO", false],
    ["/x/", "x".repeat(10_000), true],
    ["/y$/", `${"x".repeat(10_000)}y`, false], // regexes see the first 4096 characters of a line
    ["/usr/bin", "see /usr/bin/env", true], // "bin" is not a set of flags: plain text
    ["/usr/bin/env", "see /usr/bin/env", true], // "env" holds letters that are no flags: plain text
    ["/usr/bin/env", "see usr/bin", false],
    ["/x/G", "a /x/G b", true], // flags are lower case: plain text
    ["/usr/bin/", "see /opt/usr/bin", true], // a regex, usr/bin, with no flags
  ])("%j on %j: %s", (content, line, expected) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok && matcher.match(line)).toBe(expected);
  });

  // The byte test may only rule out files that have no matching line; it never decides a hit.
  it.each([
    ["TODO", Buffer.from("a\nTODO\n"), true],
    ["TODO", Buffer.from("a\ntodo\n"), false],
    ["café", Buffer.from("un café\n"), true],
    ["café", Buffer.from("un cafe\n"), false],
    ["\uFFFD", Buffer.from([0x61, 0xff, 0x0a]), true], // a bad byte decodes to U+FFFD, which the lines then show
    ["/TODO/", Buffer.from("nothing"), false], // a regex's required text is searched for as bytes too
    ["/TO+DO/", Buffer.from("a TOOODO"), true],
    ["/TODO|FIXME/", Buffer.from("nothing"), false], // one text per alternative, each searched for
    ["/TODO|FIXME/", Buffer.from("a FIXME"), true],
    ["/(?:error|warn)ing/", Buffer.from("a warning"), true],
    ["/(?:error|warn)ing/", Buffer.from("a warm day"), false],
    ["/\\b(?:foo|bar)\\b/", Buffer.from("a bar"), true], // a group every match passes through is read
    ["/\\b(?:foo|bar)\\b/", Buffer.from("nothing"), false],
    ["/todo|fixme/i", Buffer.from("a FixMe"), true],
    ["/todo|fixme/i", Buffer.from("nothing"), false],
    ["/TODO|x?/", Buffer.from("nothing"), true], // an alternative without one: every file is read
    ["/\\k<[>abc]/", Buffer.from("k<>"), true], // [>abc] is a class, not the name of a group, so abc is not required
    ["/todo/i", Buffer.from("nothing"), false], // under i, up to ASCII case
    ["/todo/i", Buffer.from("a ToDo"), true],
    ["/todo/iu", Buffer.from("nothing"), true], // under iu, k and s match non-ASCII letters: no prefilter
  ])("%j may match %j: %s", (content, bytes, expected) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok && matcher.mayMatch(bytes)).toBe(expected);
  });

  // mayMatch never rules out a file with a matching line: random files of lines joined from a matching sample, the
  // pattern's own words and characters, either case, cut short, with bad bytes and lone surrogates (both decode to
  // U+FFFD).
  it.each([
    ["/needle|haystack/", "a haystack"],
    ["/TODO|FIXME|XXX/", "XXX: later"],
    ["/(?:error|warn)ing/", "a warning"],
    ["/\\b(?:foo|bar)\\b/", "a bar b"],
    ["/^(?:GET|POST) \\//m", "POST /x"],
    ["/todo|fixme/i", "a FIXME"],
    ["/(?:Error|warn)ING/i", "WARNing"],
    ["/é|ü/u", "ü"],
    ["/\u{1F600}x|y\uFFFD?z/u", "y\uFFFDz"],
    ["/a\\|b|c/", "a|b"],
    ["/x[|]y|z/", "x|y"],
    ["/(a)\\1|bc/", "aa"],
  ])("%s: mayMatch holds for every file with a matching line", (content, sample) => {
    const matcher = compileContentMatcher(content);
    if (!matcher.ok) throw new Error(matcher.reason);
    const pieces = [sample, ...(content.match(/[\p{L}]+/gu) ?? []), ...new Set(content), " ", "\n", "\uD83D", "\uFFFD"];
    let seed = content.length;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n); // the high bits: an LCG's low bits repeat within a few calls
    };
    let matched = 0;
    for (let round = 0; round < 3000; round++) {
      const parts = Array.from({ length: random(8) }, () => {
        const piece = pieces[random(pieces.length)] ?? "";
        return random(5) === 0 ? piece.toUpperCase() : random(5) === 0 ? piece.slice(1) : piece;
      });
      const bytes = Buffer.concat(parts.map((part) => (part === "\uFFFD" ? Buffer.from([0xff]) : Buffer.from(part))));
      if (!bytes.toString("utf8").split("\n").some(matcher.match)) continue;
      matched++;
      expect(matcher.mayMatch(bytes), JSON.stringify(bytes.toString("utf8"))).toBe(true);
    }
    expect(matched).toBeGreaterThan(100);
  });

  it.each([
    ["", /empty/],
    ["/(/", /invalid regex/],
    ["/(a+)+$/", /nested quantifiers/],
    ["/(x*)*y/", /nested quantifiers/],
    ["/(a|b+){2,}/", /nested quantifiers/],
    [
      "/b/g",
      /^regex flag g not supported \(g and y make no sense here: each line is tested on its own, from its start\); use i, m, s, u, or none\. To find this text itself, search for \/\\\/b\\\/g\/$/,
    ],
    ["/b/gyg", /^regex flags g, y not supported \(g and y make no sense/],
    ["/b/d", /^regex flag d not supported; use i, m, s, u/],
    ["/b/iv", /^regex flag v not supported; use i, m, s, u/],
  ])("refuses %j", (content, reason) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok).toBe(false);
    expect(matcher.ok ? "" : matcher.reason).toMatch(reason);
  });

  it.each(["/b/g", "/usr/local/bin/sy", "/a.b(c)/y"])(
    "suggests for %j a regex that finds that text itself",
    (content) => {
      const refused = compileContentMatcher(content);
      const suggested = !refused.ok && /search for (.*)$/.exec(refused.reason)?.[1];
      const matcher = compileContentMatcher(suggested || "");
      expect(matcher.ok && matcher.match(`x ${content} x`)).toBe(true);
      expect(matcher.ok && matcher.match("x b x")).toBe(false);
    },
  );

  it.each([
    ["TODO", "a TODO\nb\nTODO\n", [1, 3]],
    ["/^$/", "a\n\nb\n", [2]],
    ["/^$/", "", []],
    ["/b/", "a\nb", [2]],
    ["x", "x\r\nx", [1, 2]],
    ["/L2$/", "L1\r\nL2\r\n", [2]], // a CRLF line is tested without its \r
    ["/^L1$/", "L1\r\nL2\r\n", [1]],
    ["/^L1$/m", "L1\r\nL2\r\n", [1]],
    ["/\\r/", "a\r\nb\rc\n", [2]], // only the \r of a line end is left out
    ["/^$/", "a\r\n\r\nb", [2]],
    ["/x$/", "x\r\ny\nx", [1, 3]], // mixed line ends
    ["L2\r", "L1\r\nL2\r\n", []], // plain text is matched against the same lines
  ])("lines(%j) in %j: %j", async (content, text, expected) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok && (await linesOf(matcher, text, new Budget(10_000)))).toEqual(expected);
  });

  it("stops a regex that backtracks for a whole slice on one line, naming the line", async () => {
    const matcher = compileContentMatcher("/(a|a)*$/");
    expect(matcher.ok).toBe(true);
    if (matcher.ok) {
      await expect(linesOf(matcher, `ok\n${"a".repeat(40)}b`, new Budget(10_000))).rejects.toThrow(RegexTimeoutError);
      await expect(linesOf(matcher, `ok\n${"a".repeat(40)}b`, new Budget(10_000))).rejects.toThrow(/on line 2 alone/);
    }
  });

  it("goes on past a slice while lines finish, and stops when the call's budget is spent", async () => {
    // Each line backtracks 2^16 times: well under a slice, but thousands of them outlast a 300 ms budget.
    const matcher = compileContentMatcher("/(a|a)*b/");
    expect(matcher.ok).toBe(true);
    if (!matcher.ok) return;
    const slow = `${"a".repeat(16)}\n`.repeat(20000);
    await expect(linesOf(matcher, slow, new Budget(300))).rejects.toThrow(BudgetExceeded);
    const some = `${"a".repeat(16)}\n`.repeat(20);
    expect(await linesOf(matcher, `${some}ab\n${some}`, new Budget(60_000))).toEqual([21]);
  });

  it("matches many texts in one run, each numbered from 1", async () => {
    const matcher = compileContentMatcher("/^b/");
    expect(matcher.ok).toBe(true);
    if (!matcher.ok) return;
    const texts = ["a\nb\n", "", "b", "c\nc\nbb\n"];
    expect(await matcher.batchLines(texts, new Budget(10_000))).toEqual({
      hits: [[2], [], [1], [3]],
      at: [[0], [], [0], [0]],
      cut: [[], [], [], []],
    });
  });

  it.each([
    ["/NEE+DLE/", "x"],
    ["NEEDLE", "x"],
    ["/needle/i", "é"],
  ])("says where %s first matches in each hit's line, as the test found it", async (content, pad) => {
    const matcher = compileContentMatcher(content);
    expect(matcher.ok).toBe(true);
    if (!matcher.ok) return;
    const texts = [`${pad.repeat(500)}NEEDLE and NEEDLE\nnone\r\nNEEDLE`, "no", `${pad.repeat(9000)}NEEDLE`];
    // The third text's match lies past the 4,096 characters a regex is tried on, and that line is reported as cut;
    // plain text finds it anywhere.
    const regex = content.startsWith("/");
    expect(await matcher.batchLines(texts, new Budget(10_000))).toEqual({
      hits: [[1, 3], [], regex ? [] : [1]],
      at: [[500, 0], [], regex ? [] : [9000]],
      cut: [[], [], regex ? [1] : []],
    });
  });

  it("stops a batch at a line that takes a whole slice, keeping the texts finished before it", async () => {
    const matcher = compileContentMatcher("/(a|a)*$/");
    expect(matcher.ok).toBe(true);
    if (!matcher.ok) return;
    const texts = ["x\ny", "ok\nfine", `ok\n${"a".repeat(40)}b`, "never reached"];
    const { hits, stopped } = await matcher.batchLines(texts, new Budget(10_000));
    expect(hits).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(stopped).toBeInstanceOf(RegexTimeoutError);
    expect(stopped?.message).toMatch(/on line 2 alone/);
  });

  it("stops a batch when the call's budget is spent, keeping the texts finished before it", async () => {
    const matcher = compileContentMatcher("/(a|a)*b/");
    expect(matcher.ok).toBe(true);
    if (!matcher.ok) return;
    const slow = `${"a".repeat(16)}\n`.repeat(20000);
    const { hits, stopped } = await matcher.batchLines(["ab", slow, "ab"], new Budget(300));
    expect(hits).toEqual([[1]]);
    expect(stopped).toBeInstanceOf(BudgetExceeded);
  });
});
