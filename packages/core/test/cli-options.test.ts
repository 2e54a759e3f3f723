import { describe, expect, it } from "vitest";
import { type CliSpec, formatHelp, parseCli, UsageError } from "../src/cli-options.js";

const spec = {
  name: "demo",
  summary: "a demo",
  options: {
    root: { type: "string", multiple: true, env: "DEMO_ROOT", valueName: "DIR", description: "Root." },
    "read-only": { type: "boolean", env: "DEMO_READ_ONLY", description: "Read only." },
    limit: { type: "string", default: "10", env: "DEMO_LIMIT", description: "Limit." },
  },
} as const satisfies CliSpec;

describe("parseCli", () => {
  it("uses defaults when neither flag nor env is given", () => {
    const { values, help } = parseCli(spec, [], {});
    expect(values).toEqual({ root: [], "read-only": false, limit: "10" });
    expect(help).toBe(false);
  });

  it("prefers flags over env, and env over defaults", () => {
    const env = { DEMO_ROOT: "/a,/b", DEMO_LIMIT: "5", DEMO_READ_ONLY: "1" };
    expect(parseCli(spec, [], env).values).toEqual({ root: ["/a", "/b"], "read-only": true, limit: "5" });
    expect(parseCli(spec, ["--root", "/c", "--root", "/d", "--limit", "7"], env).values).toEqual({
      root: ["/c", "/d"],
      "read-only": true,
      limit: "7",
    });
  });

  it.each([
    ["1", true],
    ["true", true],
    ["YES", true],
    ["0", false],
    ["false", false],
    ["", false],
  ])("reads boolean env %j as %s", (raw, expected) => {
    expect(parseCli(spec, [], { DEMO_READ_ONLY: raw }).values["read-only"]).toBe(expected);
  });

  it("refuses a boolean env value it cannot read", () => {
    expect(() => parseCli(spec, [], { DEMO_READ_ONLY: "maybe" })).toThrow(/DEMO_READ_ONLY=maybe is not a boolean/);
  });

  it("refuses unknown flags with a pointer to --help", () => {
    expect(() => parseCli(spec, ["--nope"], {})).toThrow(UsageError);
    expect(() => parseCli(spec, ["--nope"], {})).toThrow(/see --help/);
  });

  it("recognises -h and --help, and keeps positionals", () => {
    expect(parseCli(spec, ["-h"], {}).help).toBe(true);
    expect(parseCli(spec, ["task", "--help"], {})).toMatchObject({ help: true, positionals: ["task"] });
  });
});

describe("formatHelp", () => {
  it("lists every option with its env var and default", () => {
    const help = formatHelp(spec);
    expect(help).toContain("Usage: demo [options]");
    expect(help).toMatch(/--root DIR\s+Root\. \(repeatable; env DEMO_ROOT\)/);
    expect(help).toMatch(/--limit VALUE\s+Limit\. \(env DEMO_LIMIT; default 10\)/);
    expect(help).toContain("--help");
  });
});
