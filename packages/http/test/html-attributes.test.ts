import { describe, expect, it } from "vitest";
import { parseAttributes } from "../src/html-attributes.js";

describe("parseAttributes", () => {
  it.each([
    [' href="/a b" class=x', { href: "/a b", class: "x" }],
    [" HIDDEN data-x='1'", { hidden: "", "data-x": "1" }],
    [' title="a > b" style = "display:none"', { title: "a > b", style: "display:none" }],
    [' id="first" id="second"', { id: "first" }],
    [" charset=utf-8 /", { charset: "utf-8" }],
    [' a="unclosed', { a: '"unclosed' }],
    ["", {}],
  ])("%j", (source, attributes) => {
    expect(Object.fromEntries(parseAttributes(source))).toEqual(attributes);
  });
});
