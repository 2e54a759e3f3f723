import { describe, expect, it } from "vitest";
import { decodeEntities } from "../src/html-entities.js";

describe("decodeEntities", () => {
  it.each([
    ["Hi &amp; bye &LT;b&gt; &quot;q&quot; &apos;a&apos;", "Hi & bye <b> \"q\" 'a'"],
    ["x &bogus; y &amp", "x &bogus; y &amp"],
    // Numeric references as browsers decode them: never a lone surrogate (ill-formed text a model's API refuses).
    ["a&#xD800;b&#56320;c &#0; &#x110000; &#99999999999999999999;", "a\uFFFDb\uFFFDc \uFFFD \uFFFD \uFFFD"],
    ["&#55357;&#56832; &#128512; &#X1F600;", "\uFFFD\uFFFD 😀 😀"],
    ["&#x80;&#150; &#x9D; &#0065;", "€– \x9D A"],
  ])("%j", (text, decoded) => {
    expect(decodeEntities(text)).toBe(decoded);
  });
});
