import { describe, expect, it } from "vitest";
import { type CliSpec, formatHelp, parseCli, parseEnvList, UsageError } from "../src/cli-options.js";

const spec = {
  name: "demo",
  summary: "a demo",
  options: {
    root: { type: "string", multiple: true, env: "DEMO_ROOT", valueName: "DIR", description: "Root." },
    hide: { type: "string", multiple: true, env: "DEMO_HIDE", envSeparator: ":", description: "Hide." },
    "read-only": { type: "boolean", env: "DEMO_READ_ONLY", description: "Read only." },
    limit: { type: "string", default: "10", env: "DEMO_LIMIT", description: "Limit." },
  },
} as const satisfies CliSpec;

describe("parseCli", () => {
  it("uses defaults when neither flag nor env is given", () => {
    const { values, help } = parseCli(spec, [], {});
    expect(values).toEqual({ root: [], hide: [], "read-only": false, limit: "10" });
    expect(help).toBe(false);
  });

  it("prefers flags over env, and env over defaults", () => {
    const env = { DEMO_ROOT: "/a,/b", DEMO_HIDE: '["x:y"]', DEMO_LIMIT: "5", DEMO_READ_ONLY: "1" };
    expect(parseCli(spec, [], env).values).toEqual({
      root: ["/a", "/b"],
      hide: ["x:y"],
      "read-only": true,
      limit: "5",
    });
    expect(parseCli(spec, ["--root", "/c", "--root", "/d", "--hide=p", "--limit", "7"], env).values).toEqual({
      root: ["/c", "/d"],
      hide: ["p"],
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

  it("recognises --version, unless the program has an option of that name", () => {
    expect(parseCli(spec, ["--version"], {}).version).toBe(true);
    expect(parseCli(spec, [], {}).version).toBe(false);
    const own = {
      ...spec,
      options: { ...spec.options, version: { type: "string" as const, description: "Schema version." } },
    };
    expect(parseCli(own, ["--version", "2"], {})).toMatchObject({ version: false, values: { version: "2" } });
    expect(formatHelp(spec)).toMatch(/--version\s+Print the version and exit\./);
    expect(formatHelp(own)).not.toMatch(/Print the version/);
  });

  it("recognises -h and --help, and keeps positionals", () => {
    expect(parseCli(spec, ["-h"], {}).help).toBe(true);
    expect(parseCli(spec, ["task", "--help"], {})).toMatchObject({ help: true, positionals: ["task"] });
  });
});

describe("a list from the environment", () => {
  // A value starting with "[" is a JSON array taken exactly; anything else splits on the separator, as it always did.
  it.each<[string, string, string, string[]]>([
    ["a separated list", "/a:/b", ":", ["/a", "/b"]],
    ["a separated list, trimmed, empties dropped", " /a ::/b: ", ":", ["/a", "/b"]],
    ["the default separator", "a.com, b.com:8443", ",", ["a.com", "b.com:8443"]],
    ["one path, no separator in it", "/home/me", ":", ["/home/me"]],
    ["an empty value", "", ":", []],
    ["a path with ':'", '["/home/me:proj"]', ":", ["/home/me:proj"]],
    ["paths with ',' and ':' under a ',' separator", '["/a,b", "c:d"]', ",", ["/a,b", "c:d"]],
    ["a path starting with '['", '["[draft]/notes"]', ":", ["[draft]/notes"]],
    ["spaces kept exactly", '[" lead", "trail ", "in side"]', ":", [" lead", "trail ", "in side"]],
    ["unicode and escapes", '["/données/日本", "\\u00e9t\\u00e9", "a\\"b"]', ":", ["/données/日本", "été", 'a"b']],
    ["whitespace before the '['", '  ["/x:y"]', ":", ["/x:y"]],
    ["an empty array", "[]", ":", []],
    ["hosts starting with an IPv6 literal", "[::1]:18777,127.0.0.1", ",", ["[::1]:18777", "127.0.0.1"]],
    ["a lone IPv6 literal", " [::1]", ",", ["[::1]"]],
    [
      "an IPv4-mapped IPv6 literal with a zone",
      "[fe80::1%eth0], [::ffff:10.0.0.1]:80",
      ",",
      ["[fe80::1%eth0]", "[::ffff:10.0.0.1]:80"],
    ],
    ["a JSON array of IPv6 hosts", '["[::1]:8080", "a,b"]', ",", ["[::1]:8080", "a,b"]],
  ])("reads %s", (_case, raw, separator, expected) => {
    expect(parseEnvList("MCP_LIST", raw, separator)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    [
      "bad JSON",
      '["/a", /b]',
      /^MCP_LIST starts with "\[", so it is read as a JSON array of strings, but it is not valid JSON \(.+\); write it like \["\/srv\/a:b", "c,d"\]$/,
    ],
    ["a bare '[' path, not JSON", "[draft]:/b", /^MCP_LIST starts with "\[".* not valid JSON/],
    ["a '[' path of hex letters but no ':'", "[beef]/a", /^MCP_LIST starts with "\[".* not valid JSON/],
    ["an unclosed array", '["/a"', /^MCP_LIST .* not valid JSON/],
    [
      "a number",
      '["/a", 3]',
      /^MCP_LIST: entry 2 of the JSON array is the number 3; every entry must be a non-empty string/,
    ],
    ["null", "[null]", /^MCP_LIST: entry 1 of the JSON array is null;/],
    ["a nested array", '[["/a"]]', /^MCP_LIST: entry 1 of the JSON array is an array;/],
    ["an object", '[{"path": "/a"}]', /^MCP_LIST: entry 1 of the JSON array is an object;/],
    ["a boolean", '["/a", "/b", true]', /^MCP_LIST: entry 3 of the JSON array is a boolean;/],
    ["an empty string", '["/a", ""]', /^MCP_LIST: entry 2 of the JSON array is an empty string;/],
  ])("refuses %s in one line naming the variable", (_case, raw, message) => {
    let thrown: unknown;
    try {
      parseEnvList("MCP_LIST", raw, ":");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain("\n");
  });

  it("applies to every repeatable option with an env, through parseCli", () => {
    expect(parseCli(spec, [], { DEMO_ROOT: '["/a,b", "/c:d"]' }).values.root).toEqual(["/a,b", "/c:d"]);
    expect(() => parseCli(spec, [], { DEMO_HIDE: "[1]" })).toThrow(
      /^DEMO_HIDE: entry 1 of the JSON array is the number 1;/,
    );
  });
});

describe("a list's example in its error", () => {
  it("names the setting's own entries when it gives an example", () => {
    expect(() =>
      parseEnvList("MCP_HTTP_ALLOW_HOSTS", "[api.example.com]", ",", '["[::1]:8080", "api.example.com"]'),
    ).toThrow(
      'MCP_HTTP_ALLOW_HOSTS starts with "[", so it is read as a JSON array of strings, but it is not valid JSON',
    );
    expect(() =>
      parseEnvList("MCP_HTTP_ALLOW_HOSTS", "[api.example.com]", ",", '["[::1]:8080", "api.example.com"]'),
    ).toThrow(/; write it like \["\[::1\]:8080", "api\.example\.com"\]$/);
  });

  it("reads the example from the option spec when the list comes from the environment", () => {
    const hosts: CliSpec = {
      name: "t",
      summary: "t",
      options: {
        "allow-hosts": { type: "string", multiple: true, env: "HOSTS", envExample: '["[::1]:8080"]', description: "h" },
      },
    };
    expect(parseCli(hosts, [], { HOSTS: "[::1]:18777,127.0.0.1" }).values["allow-hosts"]).toEqual([
      "[::1]:18777",
      "127.0.0.1",
    ]);
    expect(() => parseCli(hosts, [], { HOSTS: "[x" })).toThrow(/write it like \["\[::1\]:8080"\]$/);
  });
});

describe("formatHelp", () => {
  it("lists every option with its env var and default", () => {
    const help = formatHelp(spec);
    expect(help).toContain("Usage: demo [options]");
    expect(help).toMatch(/--root DIR\s+Root\. \(repeatable; env DEMO_ROOT, ","-separated or a JSON array\)/);
    expect(help).toMatch(/--hide VALUE\s+Hide\. \(repeatable; env DEMO_HIDE, ":"-separated or a JSON array\)/);
    expect(help).toMatch(/--limit VALUE\s+Limit\. \(env DEMO_LIMIT; default 10\)/);
    expect(help).toContain("--help");
  });
});

describe("parseCli's usage mistakes", () => {
  const withShort = {
    ...spec,
    options: { ...spec.options, db: { type: "string", short: "d", aka: ["database"], description: "Db." } },
  } as const;

  // [argv, the one line of the UsageError]
  it.each<[string[], string]>([
    [["--roots", "/tmp"], "unknown option --roots — did you mean --root? (see --help)"],
    [["--roots=/tmp"], "unknown option --roots — did you mean --root? (see --help)"],
    [["--Root", "/tmp"], "unknown option --Root — did you mean --root? (see --help)"],
    [["--readonly"], "unknown option --readonly — did you mean --read-only? (see --help)"],
    [["--limt", "3"], "unknown option --limt — did you mean --limit? (see --help)"],
    [["--hlep"], "unknown option --hlep — did you mean --help? (see --help)"],
    [["--workspace", "/tmp"], "unknown option --workspace (see --help)"],
    // A name people reach for, too far from the flag's for a spelling to be guessed.
    [["--database", "x.db"], "unknown option --database — did you mean --db? (see --help)"],
    [["--database=x.db"], "unknown option --database — did you mean --db? (see --help)"],
    [["--root", "/a", "--nope"], "unknown option --nope (see --help)"],
    [["-x"], "unknown option -x (see --help)"],
    // One args entry in a client's config holding flag and value: no shell splits it.
    [
      ["--root /srv/ws"],
      'unknown option "--root /srv/ws": a flag and its value are separate arguments (a client\'s config passes each args entry whole, spaces included); write --root=/srv/ws, or "--root" and "/srv/ws" as two (see --help)',
    ],
    [
      ["--read-only "],
      'unknown option "--read-only " (a client\'s config passes each args entry whole, spaces included): write --read-only alone (see --help)',
    ],
    [["--nope /srv"], "unknown option --nope /srv (see --help)"],
    [["-hx"], "unknown option -x (see --help)"],
    [["--root"], "--root needs a value, as in --root DIR (see --help)"],
    [["--limit"], "--limit needs a value, as in --limit VALUE (see --help)"],
    [
      ["--root", "--read-only"],
      "--root needs a value, as in --root DIR; if --read-only is the value, write --root=--read-only (see --help)",
    ],
    [["--root", "-", "--nope"], "unknown option --nope (see --help)"],
    [["-d"], "--db needs a value, as in --db VALUE (see --help)"],
    [["--read-only=yes"], "--read-only takes no value; give --read-only alone to turn it on (see --help)"],
  ])("%j → %s", (argv, line) => {
    expect(() => parseCli(withShort, argv, {})).toThrow(new UsageError(line));
  });

  it("still reads a value that starts with a dash when it is written --flag=value", () => {
    expect(parseCli(spec, ["--root=-odd"], {}).values.root).toEqual(["-odd"]);
  });
});
