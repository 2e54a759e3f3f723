import { describe, expect, it } from "vitest";
import { lifecycleNotice, modelFacts } from "../src/model-facts.js";

describe("modelFacts", () => {
  it.each<[string, unknown, unknown]>([
    [
      "the Models API's answer",
      { id: "m", max_input_tokens: 200000, max_tokens: 64000, lifecycle: "active", retires_at: null },
      { maxInput: 200000, lifecycle: "active" },
    ],
    [
      "a deprecated model with its retirement date",
      { lifecycle: "deprecated", retires_at: "2027-01-05T00:00:00Z" },
      { lifecycle: "deprecated", retiresAt: "2027-01-05T00:00:00Z" },
    ],
    ["a gateway's other shape", { data: [{ id: "m" }] }, {}],
    ["numbers that are not token counts", { max_input_tokens: -1 }, {}],
    ["a fraction", { max_input_tokens: 1.5 }, {}],
    ["a count as text", { max_input_tokens: "200000" }, {}],
    ["an unknown lifecycle", { lifecycle: "sunset" }, {}],
    ["a date that is not one", { lifecycle: "deprecated", retires_at: "soon" }, { lifecycle: "deprecated" }],
    ["null", null, {}],
  ])("%s", (_, info, facts) => {
    expect(modelFacts(info)).toEqual(facts);
  });
});

describe("lifecycleNotice", () => {
  it.each<[string, Parameters<typeof lifecycleNotice>[1], string | undefined]>([
    ["active", { lifecycle: "active" }, undefined],
    ["unsaid", {}, undefined],
    [
      "deprecated",
      { lifecycle: "deprecated" },
      "model m-1 is deprecated: choose a current model with --model or ANTHROPIC_MODEL",
    ],
    [
      "deprecated, with its date",
      { lifecycle: "deprecated", retiresAt: "2027-01-05T00:00:00Z" },
      "model m-1 is deprecated (retirement scheduled for 2027-01-05): choose a current model with --model or ANTHROPIC_MODEL",
    ],
    [
      "retired",
      { lifecycle: "retired" },
      "model m-1 is retired, so its requests fail: choose a current model with --model or ANTHROPIC_MODEL",
    ],
  ])("%s", (_, facts, line) => {
    expect(lifecycleNotice("m-1", facts)).toBe(line);
  });
});
