import { describe, expect, it } from "vitest";
import { ctrlCAtPrompt, type PromptCtrlC } from "../src/ctrl-c.js";

describe("ctrlCAtPrompt", () => {
  it.each<[string, boolean, PromptCtrlC]>([
    ["", false, "warn"],
    ["", true, "quit"],
    ["half a question", false, "clear-line"],
    // A line typed after the warning: the key that started it disarmed it, but the line decides either way.
    ["half a question", true, "clear-line"],
    [" ", false, "clear-line"],
    ["/exit", true, "clear-line"],
  ])("line %j, armed %s: %s", (line, armed, action) => {
    expect(ctrlCAtPrompt(line, armed)).toBe(action);
  });
});
