import { describe, expect, it } from "vitest";
import { elementEnd, hidesElement } from "../src/hidden-elements.js";

describe("hidesElement", () => {
  it.each([
    [" hidden", true],
    [' HIDDEN=""', true],
    [" hidden=until-found", false],
    [' aria-hidden="true"', true],
    [' aria-hidden="false"', false],
    [' style="display:none"', true],
    [" style='color: red; display : none !important;'", true],
    [' style="visibility:hidden"', true],
    [' style="visibility: collapse"', true],
    [' style="display:none-ish"', false],
    [' style="display:block" data-note="none"', false],
    [' title="is hidden"', false],
    [' data-hidden="1"', false],
    [' class="sr-only"', false],
    [' class="visually-hidden"', false],
    ["", false],
  ])("%j → %s", (attributes, hidden) => {
    expect(hidesElement(attributes)).toBe(hidden);
  });
});

describe("elementEnd", () => {
  /** Where the element that starts the input ends, as the rest of the input. */
  const rest = (html: string) => {
    const name = /^<([a-z]+)/.exec(html)?.[1] ?? "";
    const end = elementEnd(html, name, html.indexOf(">") + 1);
    return end < 0 ? undefined : html.slice(end);
  };
  it.each([
    ["<div>a<div>b</div>c</div>after", "after"],
    ["<span>x</span >after", "after"],
    ["<img src=x>after", "after"],
    ["<div>never closed", undefined],
    ["<li>a<li>b", "<li>b"],
    ["<li>a</ul>after", "</ul>after"],
    ["<li>a<ul><li>x</li></ul></li>after", "after"],
    ["<li>a<ol><li>x</ol><li>b", "<li>b"],
    ["<p>one<p>two", "<p>two"],
    ["<p>one<div>block</div>", "<div>block</div>"],
    ["<p>one</div>", "</div>"],
    ["<td>a<td>b</tr>", "<td>b</tr>"],
    ["<dt>term<dd>def", "<dd>def"],
    ["<option>a<option>b", "<option>b"],
    ['<svg class="x"/>after<svg></svg>', "after<svg></svg>"],
    ["<svg><svg/><path/></svg>after", "after"],
    ["<div/>still open</div>after", "after"],
  ])("%s → %s", (html, after) => {
    expect(rest(html)).toBe(after);
  });
});
