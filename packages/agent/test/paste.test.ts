import { describe, expect, it } from "vitest";
import { PasteJoiner } from "../src/paste.js";

type Event = ["start"] | ["end", string] | ["line", string];

describe("a paste's lines joined into one input", () => {
  it.each<[string, Event[], (string | undefined)[]]>([
    [
      "typed lines pass through",
      [
        ["line", "a"],
        ["line", "b"],
      ],
      ["a", "b"],
    ],
    [
      "a paste ending with its newline is one input when it ends",
      [["start"], ["line", "a"], ["line", "b"], ["end", ""]],
      [undefined, undefined, "a\nb"],
    ],
    [
      "a paste that leaves a line half-typed waits for its Enter",
      [["start"], ["line", "a"], ["line", "b"], ["end", "c"], ["line", "c and more"]],
      [undefined, undefined, undefined, "a\nb\nc and more"],
    ],
    [
      "a one-line paste without a newline is left to the line",
      [["start"], ["end", "word"], ["line", "word"]],
      [undefined, "word"],
    ],
    ["a paste with its newline, of one line", [["start"], ["line", "a"], ["end", ""]], [undefined, "a"]],
    [
      "the line typed after a delivered paste is its own",
      [["start"], ["line", "a"], ["end", ""], ["line", "next"]],
      [undefined, "a", "next"],
    ],
  ])("%s", (_, events, expected) => {
    const joiner = new PasteJoiner();
    const delivered = events.map((event) => {
      if (event[0] === "start") return joiner.start();
      return event[0] === "end" ? joiner.end(event[1]) : joiner.line(event[1]);
    });
    // `start` delivers nothing: compare only the events that can.
    expect(delivered.filter((_, i) => events[i]?.[0] !== "start")).toEqual(expected);
  });

  it("says what is held, and forgets it when cleared", () => {
    const joiner = new PasteJoiner();
    joiner.start();
    joiner.line("a");
    joiner.line("b");
    joiner.end("c");
    expect(joiner.pending).toBe("a\nb");
    joiner.clear();
    expect(joiner.pending).toBe("");
    expect(joiner.line("typed")).toBe("typed");
  });
});
