import { describe, expect, it } from "vitest";
import { createBodyRenderer } from "../src/render.js";

const renderer = createBodyRenderer();
async function markdown(html: string): Promise<string> {
  return (await renderer.render(Buffer.from(html), "text/html", { raw: false, cut: false })).text;
}

describe("form controls in markdown", () => {
  it.each([
    [
      "controls that touch",
      "<p>x</p><button>Go</button><option>opt1</option><textarea>ta</textarea>",
      "x\n\nGo opt1 ta",
    ],
    ["a label and a button", "<form><label>Name</label><input name=n><button>Send</button></form>", "Name Send"],
    [
      "a select's options in a sentence",
      "<p>Choose <select><option>a</option><option>b</option></select> then go.</p>",
      "Choose a b then go.",
    ],
    ["a button already spaced", "<p>Press <button>Go</button>, then wait.</p>", "Press Go, then wait."],
    ["buttons in a list item", "<ul><li><button>A</button><button>B</button></li></ul>", "* A B"],
    [
      "buttons in a table cell",
      "<table><tr><th>x</th></tr><tr><td><button>A</button><button>B</button></td></tr></table>",
      "| x   |\n| --- |\n| A B |",
    ],
  ])("keeps %s apart", async (_, html, expected) => {
    expect(await markdown(html)).toBe(expected);
  });
});
