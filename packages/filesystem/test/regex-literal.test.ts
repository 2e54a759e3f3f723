import { describe, expect, it } from "vitest";
import { caselessLiterals, MAX_LITERALS, requiredLiterals } from "../src/regex-literal.js";

/** `count` alternatives none of which holds another: w0x|w1x|… */
const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}x`);

// Each row: a regex, the literals it must give, and a line the regex matches. A line that matches but holds none of
// the literals would make search_files skip a file with a hit.
const GIVES: [string, string, string[], string][] = [
  ["needle-7f3a9c", "", ["needle-7f3a9c"], "a needle-7f3a9c b"],
  ["needle-[0-9a-f]+", "", ["needle-"], "needle-ab"],
  ["\\bneedle-\\w+$", "m", ["needle-"], "needle-x"],
  ["^TODO: .*fix", "s", ["TODO: "], "TODO: then fix"],
  ["a\\.b\\/c", "", ["a.b/c"], "x a.b/c"],
  ["ab+cd", "", ["cd"], "abbbcd"], // b+ is not one b: neither "abcd" nor "ab" is proven, "a" and "cd" are
  ["abc{0}def", "", ["def"], "abdef"], // {0}: c never occurs
  ["abc?def", "", ["def"], "abdef"],
  ["abc*def", "", ["def"], "abdef"],
  ["abc{2,3}xyz", "", ["xyz"], "abccxyz"],
  ["abc{2,3}?xyz", "", ["xyz"], "abccxyz"],
  ["ab{,3}", "", [",3"], "ab{,3}"], // not a quantifier without the u flag: the literal text, but "b" stays unclaimed
  ["a(?:bc)?def", "", ["def"], "adef"], // an optional group
  ["hello(world)*", "", ["hello"], "hello"],
  ["(?<=pre)fix", "", ["fix"], "prefix"], // the lookbehind's text is not claimed
  ["foo(?!bar)", "", ["foo"], "foobaz"],
  ["ab(?=cd)", "", ["ab"], "abcd"],
  ["x[abc|]yz", "", ["yz"], "xbyz"], // | inside a class is not alternation
  ["x(a|b)yz", "", ["yz"], "xbyz"], // nor inside a group, whose one-letter literals lose to "yz"
  ["café au lait", "u", ["café au lait"], "un café au lait"],
  ["ab\\u0041;cd", "", [";cd"], "abA;cd"], // \u0041's hex digits are not text
  ["ab\\x41-cd", "", ["-cd"], "abA-cd"],
  ["ab\\p{Lu}cde", "u", ["cde"], "abXcde"],
  ["(?<w>ab)\\k<w>zz", "", ["ab"], "ababzz"], // as long as "zz" and first
  ["(a)\\1 bc", "", [" bc"], "aa bc"],
  ["(a)\\1bcd", "", ["a"], "aabcd"], // letters after an escape are skipped with it: shorter, never wrong
  ["\\cJ xy", "", [" xy"], "\n xy"],
  ["\\k<[>abc]", "", ["<"], "k<>"], // no named group: \k is k, and [>abc] a class, not a payload and text
  ["(?<a>.)\\k<\\u0061>zz", "", ["zz"], "xxzz"], // an escape in a group name stays in the payload
  // Alternation: one literal per alternative, every match holding at least one.
  ["needle|haystack", "", ["needle", "haystack"], "a haystack"],
  ["TODO|FIXME|XXX", "", ["TODO", "FIXME", "XXX"], "XXX: later"],
  ["(?:error|warn)ing", "", ["ing"], "a warning"], // three letters in one search beat two searches
  ["x(?:alpha|beta)", "", ["alpha", "beta"], "xbeta"], // a longer group beats a literal under three letters
  ["ab(?:cd|efgh)", "", ["ab"], "abcd"], // equal shortest, fewer literals
  ["^(?:GET|POST) /", "", ["GET", "POST"], "POST /x"],
  ["\\b(?:foo|bar)\\b", "", ["foo", "bar"], "a bar b"],
  ["(?:ab|cd)", "", ["ab", "cd"], "xcd"],
  ["(ab|cd)", "", ["ab", "cd"], "xcd"],
  ["(?<n>ab|cd)", "", ["ab", "cd"], "xcd"],
  ["(abc)", "", ["abc"], "abc"],
  ["\\k<n>(?<n>a)", "", ["a"], "a"],
  ["foo|foobar|foo", "", ["foo"], "foobar"], // a text holding "foobar" holds "foo"
  ["a\\|b|c", "", ["a|b", "c"], "a|b"], // an escaped | is text
  ["\\(a|b\\)", "", ["(a", "b)"], "b)"], // escaped parentheses are no group
  ["x[|]y|z", "", ["x", "z"], "x|y"], // a | in a class is not alternation
  ["(a|b)|cd", "", ["a", "b", "cd"], "cd"],
  ["a(?:b|c)|d", "", ["a", "d"], "ac"], // a tie goes to fewer literals
  ["(?:a|b|c|d|e|f|g|h)(?:1|2)", "", ["1", "2"], "h2"],
  ["x(?:a(?:bc|de)|fg)", "", ["bc", "de", "fg"], "xade"],
  ["((((ab))))", "", ["ab"], "ab"], // four groups deep is read
  ["(?<=x|y)ab|cd", "", ["ab", "cd"], "yab"],
  ["(?:ab|cd)?ef|gh", "", ["ef", "gh"], "ef"],
  ["(a)\\1|bc", "", ["a", "bc"], "bc"],
  ["(?<x>a)|\\k<x>b", "", ["a", "b"], "b"], // a reference to a group that did not take part matches nothing
  ["\u{1F600}x|y", "u", ["x", "y"], "\u{1F600}x"], // surrogates are never claimed
  ["é|ü", "u", ["é", "ü"], "ü"],
  [words(MAX_LITERALS).join("|"), "", words(MAX_LITERALS), `a ${words(MAX_LITERALS).at(-1)}`],
];

// Rows whose regex gives no literal, with a line it matches.
const NONE: [string, string, string][] = [
  ["|needle", "", "x"], // an empty alternative matches anywhere
  ["needle|", "", "x"],
  ["a||b", "", "x"],
  ["a|b?", "", "x"],
  ["a|[b]", "", "b"],
  ["a|\\d", "", "1"],
  ["a|(?:b)?", "", "x"],
  ["a|(?=b)", "", "b"],
  ["(a)|\\1", "", "x"], // the reference alone matches the empty text
  ["(?=ab|cd)..|ef", "", "cd"],
  ["(?!ab|cd)", "", "x"],
  ["(?<!ab|cd)", "", "x"],
  ["(?:ab|cd)*", "", "x"],
  ["(?:ab|cd){0}", "", "x"],
  ["(?:ab|cd){1}", "", "ab"], // a quantified group is never read, even where it could be
  ["(?:ab|)c?", "", "x"],
  ["[^|]|a", "", "x"],
  ["(((((ab)))))", "", "ab"], // five groups deep is not read
  ["\u{1F600}|a", "u", "\u{1F600}"],
  ["\uFFFD|a", "", "\uFFFD"],
  [words(MAX_LITERALS + 1).join("|"), "", "w0x"],
  ["needle|haystack", "i", "HAYSTACK"],
  ["needle", "i", "NEEDLE"], // case-insensitive
  ["NEEDLE-7F3A9C", "i", "needle-7f3a9c"],
  ["[abc]", "", "b"],
  ["[^]", "", "q"],
  ["[^]]+", "", "q]"], // [^] is any character, and the ] after it is not claimed
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
];

describe("requiredLiterals", () => {
  it.each(GIVES)("/%s/%s gives %j", (source, flags, expected, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(requiredLiterals(source, flags)).toEqual(expected);
    expect(expected.some((literal) => sample.includes(literal))).toBe(true);
  });

  it.each(NONE)("/%s/%s gives none", (source, flags, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(requiredLiterals(source, flags)).toBeUndefined();
  });
});

// Under i, the literals are required only up to case: each row's sample matches in another case than the source's.
const CASELESS: [string, string, string[], string][] = [
  ["NEEDLE-7F3A9C", "i", ["NEEDLE-7F3A9C"], "a needle-7f3a9c b"],
  ["todo: .*fix", "im", ["todo: "], "TODO: then Fix"],
  ["[abc]Key\\.s", "i", ["Key.s"], "aKEY.S"],
  ["todo|fixme", "i", ["todo", "fixme"], "a FIXME"],
  ["(?:Error|warn)ING", "i", ["ING"], "WARNing"],
  ["(?:Error|warn)IN", "i", ["Error", "warn"], "WARNin"],
  ["(needle)", "i", ["needle"], "NEEDLE"],
  // Searched case-blind, one spelling of a literal is enough, and one holding another adds nothing.
  ["todo|TODO|ToDoS", "i", ["todo"], "a Todos"],
];

describe("caselessLiterals", () => {
  it.each(CASELESS)("/%s/%s gives %j", (source, flags, expected, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(caselessLiterals(source, flags)).toEqual(expected);
    expect(expected.some((literal) => sample.toLowerCase().includes(literal.toLowerCase()))).toBe(true);
  });

  it.each([
    ["needle", "", "needle"], // no i: the exact literals are requiredLiterals'
    ["sk", "iu", "\u017F\u212A"], // with u, s matches the long s and k the Kelvin sign
    ["sk", "iv", "\u017F\u212A"], // and with v
    ["todo|sk", "iu", "\u017F\u212A"],
    ["café", "i", "CAFÉ"], // not ASCII
    ["todo|fixmé", "i", "FIXMÉ"], // one alternative not ASCII
    ["todo|", "i", "x"],
    ["n?", "i", ""],
  ])("/%s/%s gives none", (source, flags, sample) => {
    expect(new RegExp(source, flags).test(sample)).toBe(true);
    expect(caselessLiterals(source, flags)).toBeUndefined();
  });
});

// Whenever a regex matches a text, the text holds one of its literals, if it has any. The texts are random joins of pieces of the
// row's sample and of the regex's own source (words, characters), in either case or a letter short, so that matches
// are common and near misses more so.
describe("every match holds a literal", () => {
  const cases = [...GIVES, ...CASELESS, ...NONE.map(([source, flags, sample]) => [source, flags, [], sample] as const)];
  it.each(cases)("/%s/%s", (source, flags, _, sample) => {
    const re = new RegExp(source, flags);
    const caseless = flags.includes("i");
    const literals = caseless ? caselessLiterals(source, flags) : requiredLiterals(source, flags);
    const fold = (text: string) => (caseless ? text.toLowerCase() : text);
    const pieces = [sample, ...(source.match(/[\p{L}\d]+/gu) ?? []), ...new Set(source + sample), " ", "\n"];
    let seed = source.length + 1;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n); // the high bits: an LCG's low bits repeat within a few calls
    };
    const piece = () => {
      const whole = pieces[random(pieces.length)] ?? "";
      const cut = whole.slice(random(3) === 0 ? random(whole.length + 1) : 0);
      const pick = random(6);
      return pick === 0 ? cut.toUpperCase() : pick === 1 ? cut.slice(0, -1) : cut;
    };
    let matched = 0;
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: random(5) }, piece).join("");
      if (!re.test(text)) continue;
      matched++;
      expect(literals?.some((literal) => fold(text).includes(fold(literal))) ?? true, JSON.stringify(text)).toBe(true);
    }
    expect(matched).toBeGreaterThan(20);
  });
});
