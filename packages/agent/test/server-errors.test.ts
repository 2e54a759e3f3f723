import { describe, expect, it } from "vitest";
import { describeCommand, startFailureLine } from "../src/server-errors.js";
import type { ServerSpec } from "../src/servers-file.js";

const stdio: ServerSpec = {
  kind: "stdio",
  name: "notes",
  command: "npx",
  args: ["-y", "my server"],
  env: {},
  builtin: false,
};
const http: ServerSpec = {
  kind: "http",
  name: "remote",
  url: "https://mcp.example.com/mcp",
  headers: {},
  builtin: false,
};

describe("start-up failure lines", () => {
  it.each([
    [
      stdio,
      new Error("Connection closed"),
      "exited with code 1",
      ["a", "b", "c", "Error: ENOENT notes.db"],
      'server "notes" failed to start (npx -y "my server"): exited with code 1 — stderr: b | c | Error: ENOENT notes.db',
    ],
    [
      stdio,
      new Error("no answer within 20000 ms"),
      undefined,
      [],
      'server "notes" failed to start (npx -y "my server"): no answer within 20000 ms',
    ],
    [
      stdio,
      new Error("spawn npx ENOENT"),
      "command not found",
      [],
      'server "notes" failed to start (npx -y "my server"): command not found (spawn npx ENOENT)',
    ],
    [
      http,
      new Error("fetch failed"),
      undefined,
      [],
      'server "remote" failed to start (https://mcp.example.com/mcp): fetch failed',
    ],
  ])("%#", (spec, error, exit, tail, expected) => {
    expect(startFailureLine(spec, error, exit, tail)).toBe(expected);
  });

  it("redacts secrets in the command, URL, error and stderr: the line reaches the model", () => {
    const leaky: ServerSpec = {
      ...stdio,
      args: ["--api-key", "plainvalue123", "--token=tok456789", "--db", "postgres://me:pw123456@db/x", "--verbose"],
    };
    const line = startFailureLine(leaky, new Error("auth failed for Bearer abcdefghijk"), "exited with code 1", [
      "using password=hunter22",
    ]);
    for (const secret of ["plainvalue123", "tok456789", "pw123456", "abcdefghijk", "hunter22"]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain("npx --api-key [redacted] --token=[redacted] --db postgres://me:[redacted]@db/x --verbose");
    const remote: ServerSpec = { ...http, url: "https://mcp.example.com/mcp?apiKey=k3y999" };
    expect(describeCommand(remote)).toBe("https://mcp.example.com/mcp?apiKey=[redacted]");
  });

  it("quotes arguments with spaces", () => {
    expect(describeCommand(stdio)).toBe('npx -y "my server"');
  });
});
