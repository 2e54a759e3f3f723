import { afterEach, describe, expect, it } from "vitest";
import { answersShown, askForm, type FieldSchema, fieldQuestion, parseChoice, parseField } from "../src/elicit.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { v1Workspace } from "./fixtures/harness.js";
import { AGENT_BIN } from "./fixtures/procs.js";
import { openTerminal, type Terminal } from "./fixtures/pty.js";

const colour: FieldSchema = { type: "string", enum: ["red", "green"], default: "green" };
const age: FieldSchema = { type: "integer", minimum: 0, maximum: 150 };
const hero: FieldSchema = {
  type: "string",
  oneOf: [
    { const: "hero-1", title: "Superman" },
    { const: "hero-2", title: "Wonder Woman" },
  ],
};
const pet: FieldSchema = { type: "string", enum: ["pet-1", "pet-2"], enumNames: ["Cats", "Dogs"] };
const tools: FieldSchema = {
  type: "array",
  items: { enum: ["Guitar", "Piano", "Drums"] },
  minItems: 1,
  maxItems: 2,
  default: ["Guitar"],
};
const fish: FieldSchema = {
  type: "array",
  items: {
    anyOf: [
      { const: "fish-1", title: "Tuna" },
      { const: "fish-2", title: "Salmon" },
    ],
  },
};

describe("parseField", () => {
  it.each<[string, FieldSchema, string, boolean, unknown]>([
    ["text", { type: "string" }, "Ada", true, { value: "Ada" }],
    ["empty required", { type: "string" }, "  ", true, { error: "an answer is required" }],
    ["empty optional", { type: "string" }, "", false, { skip: true }],
    ["empty with a default", colour, "", true, { value: "green" }],
    ["a choice", colour, "red", true, { value: "red" }],
    ["not a choice", colour, "blue", true, { error: "choose one of red, green" }],
    ["oneOf consts", { type: "string", oneOf: [{ const: "a" }, { const: "b" }] }, "b", true, { value: "b" }],
    ["integer", age, "42", true, { value: 42 }],
    ["not an integer", age, "4.5", true, { error: "an integer is needed, e.g. 42" }],
    ["hex is not a number", age, "0x10", true, { error: "an integer is needed, e.g. 42" }],
    ["below minimum", age, "-1", true, { error: "at least 0" }],
    ["above maximum", age, "200", true, { error: "at most 150" }],
    ["number", { type: "number" }, "2.5", true, { value: 2.5 }],
    ["yes", { type: "boolean" }, "y", true, { value: true }],
    ["no", { type: "boolean" }, "No", true, { value: false }],
    ["not a boolean", { type: "boolean" }, "maybe", true, { error: "answer y or n" }],
    [
      "an email that is not one",
      { type: "string", format: "email" },
      "bob",
      true,
      { error: "an email address is needed, e.g. ada@example.com" },
    ],
    ["a string under minLength", { type: "string", minLength: 2 }, "x", true, { error: "at least 2 characters" }],
    ["a date", { type: "string", format: "date" }, "2026-01-31", true, { value: "2026-01-31" }],
    ["a titled choice by its value", hero, "hero-2", true, { value: "hero-2" }],
    ["a titled choice by its title, case aside", hero, "wonder woman", true, { value: "hero-2" }],
    ["not a titled choice", hero, "Batman", true, { error: "choose one of hero-1 (Superman), hero-2 (Wonder Woman)" }],
    ["an enumNames choice by its name", pet, "Dogs", true, { value: "pet-2" }],
    ["a multi-select: an array", tools, "Piano, Drums", true, { value: ["Piano", "Drums"] }],
    ["a multi-select of one", tools, "Piano", true, { value: ["Piano"] }],
    ["a multi-select's default is its array", tools, "", true, { value: ["Guitar"] }],
    ["a multi-select over maxItems", tools, "Piano,Drums,Guitar", true, { error: "choose at most 2" }],
    ["a multi-select under minItems", tools, " , ", true, { error: "choose at least 1" }],
    [
      "a multi-select's unknown item",
      tools,
      "Piano, Flute",
      true,
      { error: "choose from Guitar, Piano, Drums, comma-separated" },
    ],
    ["a titled multi-select by titles", fish, "Salmon, tuna", false, { value: ["fish-2", "fish-1"] }],
  ])("%s", (_what, schema, raw, required, expected) => {
    expect(parseField(schema, raw, required)).toEqual(expected);
  });
});

describe("parseChoice", () => {
  it.each<[string, string | undefined]>([
    ["", "accept"],
    ["a", "accept"],
    [" Answer ", "accept"],
    ["y", "accept"],
    ["YES", "accept"],
    ["d", "decline"],
    ["decline", "decline"],
    ["n", "decline"],
    ["no", "decline"],
    ["c", "cancel"],
    ["Cancel", "cancel"],
    ["what", undefined],
    ["continue", undefined],
    ["nope, wait", undefined],
    ["delete it", undefined],
  ])("%j", (raw, expected) => {
    expect(parseChoice(raw)).toBe(expected);
  });
});

describe("askForm's first question", () => {
  const form = {
    mode: "form" as const,
    message: "Delete a.txt?",
    requestedSchema: { type: "object" as const, properties: {} },
  };
  it.each<[string, string[], string, number]>([
    ["a line it does not know, then d: asked again, declined", ["what", "d"], "decline", 1],
    ["'continue' three times: cancelled, never taken as cancel or answer", ["continue", "go", "ok"], "cancel", 3],
    ["Enter: answered", [""], "accept", 0],
  ])("%s", async (_what, lines, action, explained) => {
    const said: string[] = [];
    const ask = async () => lines.shift();
    const result = await askForm("file", form, ask, (line) => said.push(line));
    expect(result.action).toBe(action);
    expect(said.filter((l) => l.includes("type a or Enter to answer"))).toHaveLength(explained);
  });
});

describe("fieldQuestion", () => {
  it.each<[string, FieldSchema, boolean, string]>([
    ["name", { type: "string", title: "Name", description: "Your name" }, true, "  Name — Your name [string]: "],
    ["colour", colour, true, "  colour [red/green, default green]: "],
    ["age", age, false, "  age [integer, optional]: "],
    ["ok", { type: "boolean" }, true, "  ok [y/n]: "],
    ["hero", hero, true, "  hero [hero-1 (Superman)/hero-2 (Wonder Woman)]: "],
    ["born", { type: "string", format: "date" }, false, "  born [date, optional]: "],
    ["pet", pet, false, "  pet [pet-1 (Cats)/pet-2 (Dogs), optional]: "],
    ["tools", tools, true, "  tools [one or more of Guitar, Piano, Drums, comma-separated, default Guitar]: "],
    ["fish", fish, false, "  fish [one or more of fish-1 (Tuna), fish-2 (Salmon), comma-separated, optional]: "],
    // A server's choices, default and format are shown as text: no escape sequence (clear screen, a title) is sent.
    [
      "hostile",
      { type: "string", enum: ["a\x1b[2J", "b\u202e"], default: "d\x1b]0;t\x07" },
      true,
      "  hostile [a[2J/b, default d]0;t]: ",
    ],
    ["fmt", { type: "string", format: "date\x1b[1A\x1b[2K" }, false, "  fmt [date[1A[2K, optional]: "],
  ])("%s", (name, schema, required, expected) => {
    expect(fieldQuestion(name, schema, required)).toBe(expected);
  });
});

describe("a server's question on a real terminal (built bin on a pseudo-terminal)", () => {
  let api: FakeApi | undefined;
  let terminal: Terminal | undefined;
  afterEach(async () => {
    await terminal?.close();
    await api?.close();
    terminal = api = undefined;
  });

  it("is asked field by field, and the answers go back to the server", async () => {
    api = await startFakeApi([calls(use("v1__ask", {})), done("Thanks.")]);
    const ws = v1Workspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    terminal = openTerminal([process.execPath, AGENT_BIN, "--config", ws.config, "--workspace", ws.dir, "ask me"], {
      cwd: ws.dir,
      env,
    });
    await terminal.waitFor(/v1 asks: Who are you\?\nanswer \(a\), decline \(d\) or cancel \(c\)\? \[a\] $/, 20_000);
    terminal.type("a");
    await terminal.waitFor(/Name — Your name \[string\]: $/);
    terminal.type("Ada");
    await terminal.waitFor(/colour \[red\/green\/blue, default green\]: $/);
    terminal.type("blue");
    await terminal.waitFor(/age \[integer, optional\]: $/);
    terminal.type("");
    await terminal.waitFor(/subscribe \[y\/n, default false\]: $/);
    terminal.type("");
    await terminal.waitFor(/Thanks\./, 20_000);
    expect(await terminal.exit()).toBe(0);
    expect(JSON.parse(toolResults(api.requests[1])[0]?.content[0]?.text ?? "")).toEqual({
      action: "accept",
      content: { name: "Ada", colour: "blue", subscribe: false },
    });
  }, 40_000);
});

describe("answersShown", () => {
  const params = {
    mode: "form" as const,
    message: "m",
    requestedSchema: {
      type: "object" as const,
      properties: {
        confirm: { type: "boolean" as const, title: "Go ahead?" },
        tags: { type: "array" as const, items: { type: "string" as const, enum: ["a", "b"] } },
        note: { type: "string" as const },
      },
    },
  };
  it.each([
    [{ confirm: false }, "Go ahead: no"],
    [{ confirm: true, tags: ["a", "b"], note: "x\ny" }, "Go ahead: yes; tags: a, b; note: x y"],
    [undefined, ""],
  ])("%j shows as %j", (content, shown) => {
    expect(answersShown(params, content)).toBe(shown);
  });
});
