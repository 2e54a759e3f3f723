// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test

import { UsageError } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { parseServersFile } from "../src/servers-file.js";

const env = { HOME: "/home/u", TOKEN: "t0k", EMPTY: "" };
const parse = (mcpServers: unknown) => parseServersFile(JSON.stringify({ mcpServers }), "mcp.json", env, "/cfg");

describe("parseServersFile (Claude Desktop mcpServers format)", () => {
  it("reads stdio entries with ${VAR} expansion and URL entries with headers", () => {
    const servers = parse({
      notes: { command: "npx", args: ["-y", "notes-server", "${HOME}/notes"], env: { KEY: "${TOKEN}" } },
      remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer ${TOKEN}" } },
      db: { disabled: true },
    });
    expect(servers.get("notes")).toEqual({
      kind: "stdio",
      name: "notes",
      command: "npx",
      args: ["-y", "notes-server", "/home/u/notes"],
      env: { KEY: "t0k" },
      cwd: undefined,
      builtin: false,
    });
    expect(servers.get("remote")).toEqual({
      kind: "http",
      name: "remote",
      url: "https://mcp.example.com/mcp",
      headers: { Authorization: "Bearer t0k" },
      builtin: false,
    });
    expect(servers.get("db")).toBeNull();
  });

  it.each([
    [{ "bad name": { command: "x" } }, /server name "bad name"/],
    [{ a: { args: [] } }, /needs "command" \(stdio\) or "url"/],
    [
      { a: { command: "x", args: "--root  /tmp" } },
      /args must be a list, one string per argument: write \["--root", "\/tmp"\]$/,
    ],
    [{ a: { command: "x", args: { root: "/" } } }, /args must be an array of strings$/],
    [{ a: { command: "x", args: ["--port", 3000] } }, /mcpServers\.a\.args\[1\] must be a string: write "3000"$/],
    [{ a: { command: "x", args: [null] } }, /mcpServers\.a\.args\[0\] must be a string$/],
    [{ a: { command: "x", env: { N: 1 } } }, /env\.N must be a string: write "1"$/],
    [{ a: { command: "x", env: { DEBUG: true } } }, /env\.DEBUG must be a string: write "true"$/],
    [{ a: { url: "ftp://x" } }, /must start with http/],
    [{ a: { url: "wss://x", type: "sse" } }, /a wss:\/\/ url is a WebSocket server/],
    [{ a: { command: "${NOPE}" } }, /\$\{NOPE\} is not set/],
    [
      { a: { url: "https://x/mcp", headrs: { A: "b" } } },
      /mcpServers\.a\.headrs is not a setting \(did you mean headers\?\)/,
    ],
    [{ a: { command: "x", evn: { A: "b" } } }, /mcpServers\.a\.evn is not a setting \(did you mean env\?\)/],
    [{ a: { ulr: "https://x/mcp" } }, /mcpServers\.a\.ulr is not a setting \(did you mean url\?\)/],
    [{ a: { command: "x", Args: ["y"] } }, /mcpServers\.a\.Args is not a setting \(did you mean args\?\)/],
    // Other names for a setting: written out in full, or other clients' (Windsurf, Gemini CLI).
    [{ a: { command: "x", arguments: ["y"] } }, /mcpServers\.a\.arguments is not a setting \(did you mean args\?\)/],
    [
      { a: { command: "x", enviroment: { A: "b" } } },
      /mcpServers\.a\.enviroment is not a setting \(did you mean env\?\)/,
    ],
    [
      { a: { command: "x", workingDirectory: "/p" } },
      /mcpServers\.a\.workingDirectory is not a setting \(did you mean cwd\?\)/,
    ],
    [{ a: { serverUrl: "https://x/mcp" } }, /mcpServers\.a\.serverUrl is not a setting \(did you mean url\?\)/],
    [{ a: { httpUrl: "https://x/mcp" } }, /mcpServers\.a\.httpUrl is not a setting \(did you mean url\?\)/],
    [
      { a: { command: "x", enabled: false } },
      /mcpServers\.a\.enabled is not a setting, so the server would start; to turn it off write "disabled": true/,
    ],
    // An entry that is neither clearly local nor clearly remote, whose settings of the other kind would be ignored.
    [{ a: { command: "node", url: "https://x/mcp" } }, /mcpServers\.a has both "command" and "url"; give one/],
    [{ a: { command: 5 } }, /mcpServers\.a\.command must be a string \(the program to run\)/],
    [{ a: { url: ["https://x"] } }, /mcpServers\.a\.url must be a string/],
    [{ a: { command: "" } }, /mcpServers\.a\.command is empty; give the program to run/],
    [{ a: { command: "x", oauth: { clientId: "c" } } }, /mcpServers\.a\.oauth is for a remote \(url\) server/],
    [{ a: { command: "x", type: "http" } }, /mcpServers\.a\.type "http" is for a remote \(url\) server/],
    [{ a: { url: "https://x/mcp", env: { A: "b" } } }, /mcpServers\.a\.env is for a server run by command/],
    [{ a: { disabled: "yes" } }, /mcpServers\.a\.disabled must be true or false/],
    [{ a: { url: "http://" } }, /mcpServers\.a\.url "http:\/\/" is not a URL with a host/],
    [{ a: { url: "https://x/mcp", headers: { "Bad Header": "v" } } }, /"Bad Header" is not a header name/],
    [
      { a: { url: "https://x/mcp", headers: { A: "日本" } } },
      /headers\.A holds a control character or one past U\+00FF/,
    ],
    [
      { a: { url: "https://x/mcp", headers: { A: "line\nbreak" } } },
      /mcpServers\.a\.headers\.A holds a control character or one past U\+00FF/,
    ],
  ])("rejects %j in one line", (servers, message) => {
    expect(() => parse(servers)).toThrow(UsageError);
    expect(() => parse(servers)).toThrow(message);
  });

  it("takes an empty setting of the other kind (null, {}, []) as none, as tools that write every field leave it", () => {
    const servers = parse({
      a: { url: "https://x/mcp", env: {}, args: [], cwd: null },
      b: { command: "npx", headers: {}, oauth: null, url: null },
    });
    expect(servers.get("a")).toMatchObject({ kind: "http" });
    expect(servers.get("b")).toMatchObject({ kind: "stdio", command: "npx" });
  });

  it("ignores other clients' own keys, and a near miss of a setting the entry already has", () => {
    const servers = parse({
      a: { type: "stdio", command: "x", description: "notes", alwaysAllow: ["read"], timeout: 60, enabled: true },
      b: { url: "https://x/mcp", headers: {}, header: "kept for reference" },
      c: { command: "x", args: [], arguments: "kept for reference", enabled: false, disabled: false },
    });
    expect(servers.get("a")).toMatchObject({ kind: "stdio", command: "x" });
    expect(servers.get("b")).toMatchObject({ kind: "http", url: "https://x/mcp" });
  });

  it("rejects a file that is not JSON or has no mcpServers", () => {
    expect(() => parseServersFile("{", "m.json", env, "/")).toThrow(/m\.json: not valid JSON/);
    expect(() => parseServersFile("{}", "m.json", env, "/")).toThrow(/expected \{"mcpServers"/);
  });

  it("says on which line and column the JSON goes wrong (a trailing comma)", () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "node", },\n  }\n}\n';
    expect(() => parseServersFile(text, "m.json", env, "/")).toThrow(
      /^m\.json: not valid JSON \(.*\bline 3, column 31\b/,
    );
  });

  it("reads ~ in command and cwd as home, as no shell expands it there; arguments are the server's to read", () => {
    const servers = parse({
      a: { command: "~/bin/notes-server", args: ["--root", "~/notes"], cwd: "~/proj" },
      b: { command: "~user/bin/x", cwd: "sub/~" },
    });
    expect(servers.get("a")).toMatchObject({
      command: "/home/u/bin/notes-server",
      args: ["--root", "~/notes"],
      cwd: "/home/u/proj",
    });
    expect(servers.get("b")).toMatchObject({ command: "~user/bin/x", cwd: "/cfg/sub/~" });
  });

  it("reads a file saved with a byte order mark, as Windows editors save it", () => {
    const servers = parseServersFile('\uFEFF{"mcpServers": {"n": {"command": "node"}}}', "m.json", env, "/");
    expect(servers.get("n")).toMatchObject({ kind: "stdio", command: "node" });
  });
});
