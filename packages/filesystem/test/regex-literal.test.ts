import { describe, expect, it } from "vitest";
import { caselessLiteral, requiredLiteral } from "../src/regex-literal.js";

// Each row: a regex, the literal it must give (undefined: none may be claimed), and a line the regex matches. A
// claimed literal missing from that line would make search_files skip a file with a hit.
describe("requiredLiteral", () => {
  it.each([
    ["needle-7f3a9c", "", "needle-7f3a9c", "a needle-7f3a9c b"],
    ["needle-[0-9a-f]+", "", "needle-", "needle-ab"],
    ["\\bneedle-\\w+$", "m", "needle-", "needle-x"],
    ["^TODO: .*fix", "s", "TODO: ", "TODO: then fix"],
    ["a\\.b\\/c", "", "a.b/c", "x a.b/c"],
    ["ab+cd", "", "cd", "abbbcd"], // b+ is not one b: neither "abcd" nor "ab" is proven, "a" and "cd" are
    ["abc{0}def", "", "def", "abdef"], // {0}: c never occurs
    ["abc?def", "", "def", "abdef"],
    ["abc*def", "", "def", "abdef"],
    ["abc{2,3}xyz", "", "xyz", "abccxyz"],
    ["abc{2,3}?xyz", "", "xyz", "abccxyz"],
    ["ab{,3}", "", ",3", "ab{,3}"], // not a quantifier without the u flag: the literal text, but "b" stays unclaimed
    ["a(?:bc)?def", "", "def", "adef"], // an optional group
    ["hello(world)*", "", "hello", "hello"],
    ["(?<=pre)fix", "", "fix", "prefix"], // the lookbehind's text is not claimed
    ["foo(?!bar)", "", "foo", "foobaz"],
    ["ab(?=cd)", "", "ab", "abcd"],
    ["x[abc|]yz", "", "yz", "xbyz"], // | inside a class is not alternation
    ["x(a|b)yz", "", "yz", "xbyz"], // nor inside a group
    ["café au lait", "u", "café au lait", "un café au lait"],
    ["ab\\u0041;cd", "", ";cd", "abA;cd"], // \u0041's hex digits are not text
    ["ab\\x41-cd", "", "-cd", "abA-cd"],
    ["ab\\p{Lu}cde", "u", "cde", "abXcde"],
    ["(?<w>ab)\\k<w>zz", "", "zz", "ababzz"],
    ["(a)\\1 bc", "", " bc", "aa bc"],
    ["(a)\\1bcd", "", undefined, "aabcd"], // letters after an escape are skipped with it: shorter, never wrong
    ["\\cJ xy", "", " xy", "\n xy"],
    ["\\k<[>abc]", "", "<", "k<>"], // no named group: \k is k, and [>abc] a class, not a payload and text
    ["(?<a>.)\\k<\\u0061>zz", "", "zz", "xxzz"], // an escape in a group name stays in the payload
  ])("/%s/%s gives %j", (source, flags, expected, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(requiredLiteral(source, flags)).toBe(expected);
    if (expected !== undefined) expect(sample).toContain(expected);
  });

  it.each([
    ["needle|haystack", "", "haystack"], // alternation at the top
    ["|needle", "", "x"], // an empty alternative matches anywhere
    ["needle", "i", "NEEDLE"], // case-insensitive
    ["NEEDLE-7F3A9C", "i", "needle-7f3a9c"],
    ["[abc]", "", "b"],
    ["[^]", "", "q"],
    ["[^]]+", "", "q]"], // [^] is any character, and the ] after it is not claimed
    ["(abc)", "", "abc"], // a group is never read into
    ["(?:needle)?", "", ""],
    ["(?=abc)", "", "abc"],
    ["a?", "", ""],
    ["a*", "", ""],
    ["a{0}", "", ""],
    ["a{0,2}", "", ""],
    ["\\d+", "", "12"],
    ["\\w\\s\\b", "", "a b"],
    ["\\u0041", "", "A"],
    ["\\u{1F600}", "u", "\u{1F600}"],
    ["\\x41\\x42", "", "AB"],
    ["\\p{Lu}", "u", "X"],
    ["\\k<n>(?<n>a)", "", "a"],
    ["\\0", "", "\0"],
    ["\\u{[}abc]", "", "u{}"], // no u flag: \u is u, { is text, and [}abc] a class
    ["\\p{[}abc]", "", "p{a"],
    ["\u{1F600}+", "", "\u{1F600}\uDE00"], // without u, + repeats the low surrogate alone
    ["\u{1F600}", "u", "\u{1F600}"], // surrogates are never claimed
    ["\uFFFD", "", "\uFFFD"], // a bad byte decodes to U+FFFD: the bytes EF BF BD need not be there
    ["^.$", "m", "x"],
    ["[[a]b]", "v", "a"], // v classes nest: the first ] does not close the class
    ["x[\\q{ab|c}]yz", "v", "xcyz"],
    ["needle", "v", "needle"], // v is refused whole rather than read with u's rules
    ["", "", "anything"],
  ])("/%s/%s gives none", (source, flags, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(requiredLiteral(source, flags)).toBeUndefined();
  });
});

// Under i, the literal is required only up to case: each row's sample matches in another case than the source's.
describe("caselessLiteral", () => {
  it.each([
    ["NEEDLE-7F3A9C", "i", "NEEDLE-7F3A9C", "a needle-7f3a9c b"],
    ["todo: .*fix", "im", "todo: ", "TODO: then Fix"],
    ["[abc]Key\\.s", "i", "Key.s", "aKEY.S"],
  ])("/%s/%s gives %j", (source, flags, expected, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(caselessLiteral(source, flags)).toBe(expected);
    expect(sample.toLowerCase()).toContain(expected.toLowerCase());
  });

  it.each([
    ["needle", "", "needle"], // no i: the exact literal is requiredLiteral's
    ["sk", "iu", "\u017F\u212A"], // with u, s matches the long s and k the Kelvin sign
    ["sk", "iv", "\u017F\u212A"], // and with v
    ["café", "i", "CAFÉ"], // not ASCII
    ["needle|other", "i", "OTHER"],
    ["(needle)", "i", "NEEDLE"],
    ["n?", "i", ""],
  ])("/%s/%s gives none", (source, flags, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(caselessLiteral(source, flags)).toBeUndefined();
  });
});
