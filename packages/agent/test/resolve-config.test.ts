// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MODEL, type StdioServerSpec } from "../src/config.js";
import type { FlagValues } from "../src/flags.js";
import { resolveConfig } from "../src/resolve-config.js";
import { plant, trustTempDir } from "./fixtures/planted-config.js";

/** The built-in db server's files, hidden from the file tools while that server has them open. */
const DB = ["--hide=data.db", "--hide=data.db-wal", "--hide=data.db-shm", "--hide=data.db-journal"];

describe("resolveConfig", () => {
  it("defaults to the three built-in servers on ./workspace, read from the built bins", () => {
    const config = resolveConfig({}, ["make", "a", "table"], {}, "/tmp/proj");
    expect(config.task).toBe("make a table");
    expect(config.workspace).toBe("/tmp/proj/workspace");
    expect(config.servers.map((s) => s.name)).toEqual(["file", "db", "api"]);
    const [file, db] = config.servers as StdioServerSpec[];
    expect(file).toMatchObject({ kind: "stdio", command: process.execPath, env: { MCP_TRANSPORT: "stdio" } });
    expect(file?.args.slice(1)).toEqual(["--root=/tmp/proj/workspace", "--hide=.agent", ...DB]);
    expect(db?.args.slice(1)).toEqual([`--db=${join("/tmp/proj/workspace", "data.db")}`]);
    for (const s of config.servers) if (s.kind === "stdio") expect(isAbsolute(s.args[0] as string)).toBe(true);
    expect(config).toMatchObject({
      model: DEFAULT_MODEL,
      maxTurns: 25,
      outputBudgetTokens: 25_000,
      auditFile: "/tmp/proj/workspace/.agent/audit.jsonl",
    });
  });

  it.each([
    ["--workspace=~/x", { workspace: "~/x" }, {}, "/home/me/x"],
    ["MCP_WORKSPACE=~/y", {}, { MCP_WORKSPACE: "~/y" }, "/home/me/y"],
    ["--workspace ~", { workspace: "~" }, {}, "/home/me"],
    ["--workspace ./~ (a folder named ~)", { workspace: "./~" }, {}, "/tmp/proj/~"],
  ])("reads a leading ~ in %s as the home directory, as a shell would have", (_case, flags, env, workspace) => {
    const config = resolveConfig(
      { ...flags, audit: "~/audit.jsonl" },
      ["t"],
      { HOME: "/home/me", ...env },
      "/tmp/proj",
    );
    expect(config.workspace).toBe(workspace);
    expect(config.auditFile).toBe("/home/me/audit.jsonl");
  });

  it("reads --config=~/… from the home directory", () => {
    const home = mkdtempSync(join(tmpdir(), "agent-home-"));
    try {
      writeFileSync(join(home, "servers.json"), JSON.stringify({ mcpServers: { api: { disabled: true } } }));
      const config = resolveConfig(
        { config: "~/servers.json", workspace: "/tmp/ws" },
        ["t"],
        { HOME: home },
        "/tmp/proj",
      );
      expect(config.servers.map((s) => s.name)).toEqual(["file", "db"]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("honours flags and environment", () => {
    const config = resolveConfig(
      { workspace: "ws", "read-only": true, "max-turns": "5", thinking: "2000" },
      [],
      {
        ANTHROPIC_MODEL: "claude-opus-4-7",
        MAX_MCP_OUTPUT_TOKENS: "1000",
        MCP_TOOL_TIMEOUT: "5000",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
      },
      "/p",
    );
    expect(config.task).toBeUndefined();
    expect(config).toMatchObject({
      workspace: "/p/ws",
      model: "claude-opus-4-7",
      maxTurns: 5,
      thinking: 2000,
      outputBudgetTokens: 1000,
      toolTimeoutMs: 5000,
      baseURL: "http://127.0.0.1:9",
    });
    expect(config.maxTokens).toBeGreaterThan(2000);
    for (const s of config.servers) if (s.kind === "stdio") expect(s.env.MCP_READ_ONLY).toBe("1");
  });

  it.each([
    [{ "max-turns": "0" }, '--max-turns must be a whole number ≥ 1, got "0"'],
    [{ "max-turns": "0x10" }, '--max-turns must be a whole number ≥ 1, got "0x10"'],
    [{ "max-tokens": "1e3" }, '--max-tokens must be a whole number from 1 to 10000000, got "1e3"'],
    [{ "max-retries": "11" }, '--max-retries must be a whole number from 0 to 10, got "11"'],
    [
      { "tool-timeout": "soon" },
      '--tool-timeout (MCP_TOOL_TIMEOUT) must be a whole number from 1 to 2147483647, got "soon"',
    ],
    // Past a timer's longest wait, Node would fire it after 1 ms: every call or start would time out at once.
    [
      { "startup-timeout": "99999999999" },
      '--startup-timeout must be a whole number from 1 to 2147483647, got "99999999999"',
    ],
    [{ thinking: "10" }, '--thinking must be a whole number from 1024 to 10000000, got "10"'],
    [
      { thinking: "9007199254740991" },
      '--thinking must be a whole number from 1024 to 10000000, got "9007199254740991"',
    ],
    // Blank (an unset variable in a script): "" would be the current folder, or any public host.
    [{ workspace: "" }, '--workspace is empty (""); give a value, or leave the flag out'],
    [{ "allow-hosts": " , " }, '--allow-hosts is empty (" , "); give a value, or leave the flag out'],
    [{ model: "" }, '--model is empty (""); give a value, or leave the flag out'],
    [{ audit: "" }, '--audit is empty (""); give a value, or leave the flag out'],
    [{ "tool-search": "maybe" }, '--tool-search must be auto, on or off, got "maybe"'],
  ])("rejects %j", (flags, message) => {
    expect(() => resolveConfig(flags, [], {}, "/p")).toThrow(message);
  });

  // Every whole-number flag and variable reads strict decimal, as core's rule does: Number() would take the first two.
  const counts: [string, string, string][] = [
    ["max-turns", "--max-turns", "≥ 1"],
    ["max-tokens", "--max-tokens", "from 1 to 10000000"],
    ["tool-timeout", "--tool-timeout (MCP_TOOL_TIMEOUT)", "from 1 to 2147483647"],
    ["startup-timeout", "--startup-timeout", "from 1 to 2147483647"],
    ["output-budget", "--output-budget (MAX_MCP_OUTPUT_TOKENS)", "≥ 1"],
    ["max-retries", "--max-retries", "from 0 to 10"],
    ["sampling-budget", "--sampling-budget", "≥ 0"],
    ["token-budget", "--token-budget", "≥ 1"],
  ];
  it.each(
    counts.flatMap(([flag, label, range]) =>
      ["0x10", "1e3", "1.5", "-1", "5abc", "+5"].map((v) => [flag, v, label, range] as const),
    ),
  )("refuses --%s %j, naming the flag", (flag, value, label, range) => {
    expect(() => resolveConfig({ [flag]: value }, [], {}, "/p")).toThrow(
      `${label} must be a whole number ${range}, got ${JSON.stringify(value)}`,
    );
  });

  it.each([
    ["MCP_TOOL_TIMEOUT", "1e3", "--tool-timeout (MCP_TOOL_TIMEOUT)"],
    ["MAX_MCP_OUTPUT_TOKENS", "0x10", "--output-budget (MAX_MCP_OUTPUT_TOKENS)"],
  ])("refuses %s=%s, naming the flag and the variable", (name, value, label) => {
    expect(() => resolveConfig({}, [], { [name]: value }, "/p")).toThrow(`${label} must be a whole number `);
  });

  it("refuses a blank task, which the API would refuse", () => {
    expect(() => resolveConfig({}, ["  ", ""], {}, "/p")).toThrow(
      "the task is blank; say what to do, or give no task for the interactive session",
    );
  });

  it.each(["not a url", "localhost:8080", "ftp://gw.example.com", "http://127.0.0.1:99999", "http://[::1"])(
    "rejects ANTHROPIC_BASE_URL=%j in one line",
    (url) => {
      expect(() => resolveConfig({}, [], { ANTHROPIC_BASE_URL: url }, "/p")).toThrow(
        /ANTHROPIC_BASE_URL=.* is not an http\(s\) URL; set it like https:\/\/api\.anthropic\.com/,
      );
    },
  );
});

describe("the built-in file server's hidden paths", () => {
  it.each([
    ["by default", {}, ["--root=/p/workspace", "--hide=.agent", ...DB]],
    [
      "an audit file in the workspace",
      { audit: "workspace/audit.jsonl" },
      ["--root=/p/workspace", "--hide=.agent", "--hide=audit.jsonl", ...DB],
    ],
    // Each path is one argument: the delimiter and a leading '-' are just characters of it.
    [
      "paths with ':' and a leading '-'",
      { workspace: "w:x", audit: "w:x/-a:b.jsonl" },
      ["--root=/p/w:x", "--hide=.agent", "--hide=-a:b.jsonl", ...DB],
    ],
  ])("reaches the built-in file server as flags, one per path: %s", (_case, flags, args) => {
    const file = resolveConfig(flags, [], {}, "/p").servers[0] as StdioServerSpec;
    expect(file.name).toBe("file");
    expect(file.args.slice(1)).toEqual(args);
    // Paths never go in a variable; only the transport and the log format (text, for the agent to show) do.
    expect(file.env).toEqual({ MCP_TRANSPORT: "stdio", MCP_LOG_FORMAT: "text" });
  });
});

describe("the built-in api server's reach", () => {
  const apiArgs = (flags: FlagValues, env: Record<string, string>) =>
    (resolveConfig(flags, [], env, "/p").servers[2] as StdioServerSpec).args.slice(1);

  // --allow-loopback goes to the api server as its flag, as --allow-hosts does, so --print-config shows it too.
  it.each<[string, FlagValues, Record<string, string>, string[]]>([
    ["neither flag nor variable", {}, {}, []],
    ["--allow-loopback", { "allow-loopback": true }, {}, ["--allow-loopback"]],
    ["MCP_HTTP_ALLOW_LOOPBACK=1", {}, { MCP_HTTP_ALLOW_LOOPBACK: "1" }, ["--allow-loopback"]],
    ["MCP_HTTP_ALLOW_LOOPBACK=true", {}, { MCP_HTTP_ALLOW_LOOPBACK: "true" }, ["--allow-loopback"]],
    ["MCP_HTTP_ALLOW_LOOPBACK=0", {}, { MCP_HTTP_ALLOW_LOOPBACK: "0" }, []],
    [
      "the flag over MCP_HTTP_ALLOW_LOOPBACK=0",
      { "allow-loopback": true },
      { MCP_HTTP_ALLOW_LOOPBACK: "0" },
      ["--allow-loopback"],
    ],
    [
      "with --allow-hosts",
      { "allow-loopback": true, "allow-hosts": "127.0.0.1:8080" },
      {},
      ["--allow-hosts=127.0.0.1:8080", "--allow-loopback"],
    ],
  ])("%s", (_case, flags, env, args) => {
    expect(apiArgs(flags, env)).toEqual(args);
  });

  it("refuses MCP_HTTP_ALLOW_LOOPBACK=maybe in one line, as the api server would", () => {
    expect(() => apiArgs({}, { MCP_HTTP_ALLOW_LOOPBACK: "maybe" })).toThrow(
      "MCP_HTTP_ALLOW_LOOPBACK=maybe is not a boolean; use 1 or 0",
    );
  });
});

describe("lists and paths from the environment reach the built-in servers whole", () => {
  const argsOf = (env: Record<string, string>) => {
    const [file, , api] = resolveConfig({}, [], env, "/p").servers as StdioServerSpec[];
    return { file: file?.args.slice(1), api: api?.args.slice(1) };
  };

  // The agent reads MCP_WORKSPACE as one path, so ':' is never a split; the JSON form the file server reads exactly
  // is taken too, with one entry. The other lists follow core's rule: JSON when it starts with "[", else a split.
  it.each<[string, Record<string, string>, { file?: string[]; api?: string[] }]>([
    [
      "MCP_WORKSPACE with ':' is one path",
      { MCP_WORKSPACE: "/w/a:b" },
      { file: ["--root=/w/a:b", "--hide=.agent", ...DB] },
    ],
    [
      "MCP_WORKSPACE as a JSON array of one path with ':' and ','",
      { MCP_WORKSPACE: '["/w/a:b,c"]' },
      { file: ["--root=/w/a:b,c", "--hide=.agent", ...DB] },
    ],
    ["MCP_WORKSPACE empty is unset", { MCP_WORKSPACE: "" }, { file: ["--root=/p/workspace", "--hide=.agent", ...DB] }],
    [
      "MCP_FS_HIDE as JSON, added to the agent's own",
      { MCP_WORKSPACE: "/w", MCP_FS_HIDE: '["x:y", "z,w", ".agent"]' },
      { file: ["--root=/w", "--hide=.agent", ...DB, "--hide=x:y", "--hide=z,w"] },
    ],
    [
      "MCP_FS_HIDE as a ':' list, as before",
      { MCP_WORKSPACE: "/w", MCP_FS_HIDE: "x:y" },
      { file: ["--root=/w", "--hide=.agent", ...DB, "--hide=x", "--hide=y"] },
    ],
    [
      "MCP_HTTP_ALLOW_HOSTS as JSON",
      { MCP_HTTP_ALLOW_HOSTS: '["api.github.com", "*.example.com:8443"]' },
      { api: ["--allow-hosts=api.github.com", "--allow-hosts=*.example.com:8443"] },
    ],
    [
      "MCP_HTTP_ALLOW_HOSTS as a comma list",
      { MCP_HTTP_ALLOW_HOSTS: "api.github.com, b.example" },
      { api: ["--allow-hosts=api.github.com", "--allow-hosts=b.example"] },
    ],
    [
      "MCP_HTTP_ALLOW_HOSTS as a comma list starting with an IPv6 literal",
      { MCP_HTTP_ALLOW_HOSTS: "[::1]:18777,127.0.0.1" },
      { api: ["--allow-hosts=[::1]:18777", "--allow-hosts=127.0.0.1"] },
    ],
  ])("%s", (_case, env, expected) => {
    expect(argsOf(env)).toMatchObject(expected);
  });

  it.each([
    [{ MCP_WORKSPACE: '["/a", "/b"]' }, /^MCP_WORKSPACE lists 2 paths, but the agent works in one workspace/],
    [{ MCP_WORKSPACE: '["/a:b"' }, /^MCP_WORKSPACE starts with "\[", so it is read as a JSON array .* not valid JSON/],
    [{ MCP_FS_HIDE: '[".a", 1]' }, /^MCP_FS_HIDE: entry 2 of the JSON array is the number 1;/],
    [
      { MCP_HTTP_ALLOW_HOSTS: "[api.github.com]" },
      /^MCP_HTTP_ALLOW_HOSTS starts with "\[".* not valid JSON .*; write it like \["\[::1\]:8080", "api\.example\.com"\]$/,
    ],
  ])("refuses %j in one line", (env, message) => {
    expect(() => resolveConfig({}, [], env, "/p")).toThrow(message);
  });
});

describe("a config file the model could write", () => {
  let dir: string;
  beforeEach(() => {
    dir = trustTempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hidden = (flags: FlagValues, cwd: string) =>
    (resolveConfig(flags, [], {}, cwd).servers[0] as StdioServerSpec).args.filter((a) => a.startsWith("--hide="));

  it("hides the config files from the file tools, as the model would name them, even before they exist", () => {
    expect(hidden({ workspace: "." }, dir)).toEqual(["--hide=.agent", "--hide=mcp.json", ...DB]);
    mkdirSync(join(dir, "proj"));
    expect(hidden({ workspace: ".." }, join(dir, "proj"))).toEqual(["--hide=.agent", "--hide=proj/mcp.json", ...DB]);
    plant(join(dir, "ws", "cfg", "servers.json"));
    expect(hidden({ workspace: "ws", config: "ws/cfg/servers.json", "trust-workspace-config": true }, dir)).toEqual([
      "--hide=.agent",
      "--hide=cfg/servers.json",
      ...DB,
    ]);
    // Reached through symlinks: the path inside the real workspace.
    symlinkSync(join(dir, "ws"), join(dir, "link"));
    expect(hidden({ workspace: join(dir, "link") }, join(dir, "ws", "cfg"))).toEqual([
      "--hide=.agent",
      ...DB,
      "--hide=cfg/mcp.json",
    ]);
    // Outside the workspace: nothing more to hide.
    expect(hidden({ workspace: "ws" }, dir)).toEqual(["--hide=.agent", ...DB]);
  });

  it("hides the database files only while the built-in db server has them, not once the servers file turns it off", () => {
    writeFileSync(join(dir, "off.json"), JSON.stringify({ mcpServers: { db: { disabled: true } } }));
    expect(hidden({ workspace: "ws", config: "off.json" }, dir)).toEqual(["--hide=.agent"]);
    writeFileSync(join(dir, "mine.json"), JSON.stringify({ mcpServers: { db: { command: "node", args: ["db.js"] } } }));
    const replaced = { workspace: "ws", config: "mine.json", "allow-replace-builtin": true };
    expect(hidden(replaced, dir)).toEqual(["--hide=.agent"]);
    writeFileSync(join(dir, "other.json"), JSON.stringify({ mcpServers: { notes: { command: "node" } } }));
    expect(hidden({ workspace: "ws", config: "other.json" }, dir)).toEqual(["--hide=.agent", ...DB]);
  });

  it("hides the stored OAuth logins from the file tools when the workspace holds them (-w ~)", () => {
    const home = (env: Record<string, string>) =>
      (resolveConfig({ workspace: dir }, [], env, dir).servers[0] as StdioServerSpec).args.filter((a) =>
        a.startsWith("--hide="),
      );
    expect(home({ HOME: dir })).toEqual([
      "--hide=.agent",
      "--hide=mcp.json",
      "--hide=.config/mcp-toolkit/oauth",
      ...DB,
    ]);
    expect(home({ HOME: "/elsewhere", XDG_CONFIG_HOME: join(dir, "cfg") })).toEqual([
      "--hide=.agent",
      "--hide=mcp.json",
      "--hide=cfg/mcp-toolkit/oauth",
      ...DB,
    ]);
    expect(home({ HOME: "/elsewhere" })).toEqual(["--hide=.agent", "--hide=mcp.json", ...DB]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a command named file", { file: { command: "sh", args: ["-c", "id"] } }],
    ["a remote server named api", { api: { url: "https://gateway.example/mcp" } }],
    ["db not disabled (disabled: false)", { db: { disabled: false, command: "node", args: ["db.js"] } }],
  ])("refuses an entry that replaces a built-in: %s", (_case, mcpServers) => {
    writeFileSync(join(dir, "servers.json"), JSON.stringify({ mcpServers }));
    const flags = { workspace: "ws", config: "servers.json" };
    const [name] = Object.keys(mcpServers) as [string];
    expect(() => resolveConfig(flags, [], {}, dir)).toThrow(
      `servers.json: mcpServers.${name} would replace the built-in ${name} server; rename it, or pass --allow-replace-builtin to replace it ({"disabled": true} only turns the built-in off)`,
    );
    const replaced = resolveConfig({ ...flags, "allow-replace-builtin": true }, [], {}, dir).servers;
    expect(replaced.find((s) => s.name === name)?.builtin).toBe(false);
  });

  it("leaves out an entry whose ${VAR} is unset, saying which and how to give a default, and keeps the others", () => {
    const mcpServers = {
      notes: { command: "notes-server", env: { TOKEN: "${NOTES_TOKEN}" } },
      team: { url: "https://${TEAM_HOST}/mcp" },
      kept: { command: "kept-server", args: ["${KEPT_DIR:-/srv}"] },
    };
    writeFileSync(join(dir, "servers.json"), JSON.stringify({ mcpServers }));
    const config = resolveConfig({ workspace: "ws", config: "servers.json" }, [], {}, dir);
    expect(config.servers.map((s) => s.name)).toEqual(["file", "db", "api", "kept"]);
    expect(config.unsetServers?.map((u) => u.line)).toEqual([
      'server "notes" was not started: servers.json: mcpServers.notes.env.TOKEN: ${NOTES_TOKEN} is not set; export NOTES_TOKEN=… or write ${NOTES_TOKEN:-default}',
      'server "team" was not started: servers.json: mcpServers.team.url: ${TEAM_HOST} is not set; export TEAM_HOST=… or write ${TEAM_HOST:-default}',
    ]);
  });

  it("still refuses an entry with an unset ${VAR} that would replace a built-in, and starts neither with the flag", () => {
    writeFileSync(join(dir, "servers.json"), JSON.stringify({ mcpServers: { file: { command: "${MY_FS}" } } }));
    const flags = { workspace: "ws", config: "servers.json" };
    expect(() => resolveConfig(flags, [], {}, dir)).toThrow("mcpServers.file would replace the built-in file server");
    const config = resolveConfig({ ...flags, "allow-replace-builtin": true }, [], {}, dir);
    expect(config.servers.map((s) => s.name)).toEqual(["db", "api"]);
    expect(config.unsetServers?.map((u) => u.server)).toEqual(["file"]);
  });

  it("marks remote servers from --config with that file, which a hint to log in must name, and not ./mcp.json's", () => {
    const mcpServers = { team: { url: "https://mcp.example.com/mcp" } };
    writeFileSync(join(dir, "servers.json"), JSON.stringify({ mcpServers }));
    writeFileSync(join(dir, "mcp.json"), JSON.stringify({ mcpServers }));
    const team = (flags: FlagValues) => resolveConfig(flags, [], {}, dir).servers.find((s) => s.name === "team");
    expect(team({ config: "servers.json" })).toMatchObject({ kind: "http", configFile: join(dir, "servers.json") });
    expect(team({})).not.toHaveProperty("configFile");
  });

  it("refuses to make a workspace at the top of the disk, as the servers do, unless told where to work", () => {
    expect(() => resolveConfig({}, ["task"], {}, "/")).toThrow(
      "no --workspace given and the working directory is / (./workspace would be made at the top of the disk); pass --workspace DIR (MCP_WORKSPACE) naming the folder the agent works in",
    );
    expect(resolveConfig({ workspace: "/srv/ws" }, [], {}, "/").workspace).toBe("/srv/ws");
    expect(resolveConfig({}, [], { MCP_WORKSPACE: "/srv/ws" }, "/").workspace).toBe("/srv/ws");
    // Nothing is made for a login, nor when every built-in server is off.
    expect(resolveConfig({ login: "team" }, [], {}, "/").workspace).toBe("/workspace");
    writeFileSync(
      join(dir, "off.json"),
      JSON.stringify({ mcpServers: { file: { disabled: true }, db: { disabled: true }, api: { disabled: true } } }),
    );
    expect(resolveConfig({ config: join(dir, "off.json") }, [], {}, "/").servers).toEqual([]);
  });

  it("still lets an entry turn a built-in off", () => {
    writeFileSync(
      join(dir, "servers.json"),
      JSON.stringify({ mcpServers: { file: { disabled: true }, api: { disabled: true } } }),
    );
    expect(resolveConfig({ config: "servers.json" }, [], {}, dir).servers.map((s) => s.name)).toEqual(["db"]);
  });
});
