import { describe, expect, it } from "vitest";
import { ignoredSettingsWarning, type ServedAs } from "../src/ignored-settings.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";

const OPTIONS = { ...SERVER_OPTIONS, root: { type: "string", description: "Folder to serve." } } as const;
const STDIO: ServedAs = { kind: "stdio" };
const HTTP: ServedAs = { kind: "http", stateful: false };
const STATEFUL: ServedAs = { kind: "http", stateful: true };

describe("ignoredSettingsWarning", () => {
  it.each<[string, string[], Record<string, string>, ServedAs, string | undefined]>([
    ["nothing HTTP under stdio", ["--root", "/srv", "--log-level=debug"], {}, STDIO, undefined],
    [
      "a port under stdio",
      ["--port", "8080"],
      {},
      STDIO,
      "--port is for --transport http; this server serves stdio and ignores it",
    ],
    [
      "several HTTP flags under stdio, = forms included",
      ["--host=0.0.0.0", "--port=8080", "--stateful"],
      {},
      STDIO,
      "--host, --port, --stateful are for --transport http; this server serves stdio and ignores them",
    ],
    [
      "HTTP settings from the environment under stdio (shared with other servers)",
      [],
      { MCP_PORT: "8080" },
      STDIO,
      undefined,
    ],
    ["a flag after -- is not an option", ["--", "--port"], {}, STDIO, undefined],
    ["session bounds with --stateful", ["--max-sessions", "5"], {}, STATEFUL, undefined],
    [
      "a session bound without --stateful",
      ["--max-sessions", "5"],
      {},
      HTTP,
      "--max-sessions bounds --stateful sessions; without --stateful (MCP_HTTP_STATEFUL) every client is served statelessly and it has no effect",
    ],
    [
      "session bounds from the environment without MCP_HTTP_STATEFUL",
      ["--session-idle-ms=1000"],
      { MCP_MAX_SESSIONS_PER_CALLER: "3", MCP_MAX_SESSIONS: " " },
      HTTP,
      "--session-idle-ms, --max-sessions-per-caller (MCP_MAX_SESSIONS_PER_CALLER) bound --stateful sessions; without --stateful (MCP_HTTP_STATEFUL) every client is served statelessly and they have no effect",
    ],
    ["HTTP settings over HTTP", ["--port", "1", "--trust-proxy", "loopback"], {}, HTTP, undefined],
  ])("%s", (_, argv, env, served, warning) => {
    expect(ignoredSettingsWarning(OPTIONS, argv, env, served)).toBe(warning);
  });

  it("knows the access settings, part of the server options, as HTTP ones", () => {
    expect(ignoredSettingsWarning(OPTIONS, ["--tokens-file", "t.json"], {}, STDIO)).toBe(
      "--tokens-file is for --transport http; this server serves stdio and ignores it",
    );
  });
});
