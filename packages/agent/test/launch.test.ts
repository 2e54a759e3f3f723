import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentConfig, MISSING_KEY, type StdioServerSpec } from "../src/config.js";
import {
  createdNotice,
  makeReadOnlyDatabase,
  makeWorkspace,
  preflight,
  prepareWorkspace,
  spawnServers,
  unbuiltServers,
} from "../src/launch.js";
import type { ProcessTransport } from "../src/process-transport.js";
import { resolveConfig } from "../src/resolve-config.js";
import { FIXTURE } from "./fixtures/harness.js";
import { isAlive, waitUntil } from "./fixtures/procs.js";

const config = (env: Record<string, string>, flags: Record<string, string | boolean> = {}): AgentConfig =>
  resolveConfig(flags, ["task"], env, tmpdir());

describe("preflight", () => {
  const key = { ANTHROPIC_API_KEY: "sk-ant-x" };
  it.each([
    ["a key", key, {}, false, false, undefined],
    ["a gateway token instead of a key", { ANTHROPIC_AUTH_TOKEN: "t" }, {}, false, false, undefined],
    ["no credential", {}, {}, false, false, MISSING_KEY],
    ["no credential, only listing tools", {}, {}, true, false, undefined],
    ["--ask on a terminal", key, { ask: true }, false, true, undefined],
    ["--ask without a terminal", key, { ask: true }, false, false, /--ask needs a terminal/],
    ["--ask without a terminal, only listing tools", key, { ask: true }, true, false, undefined],
  ])("%s", (_case, env, flags, listTools, tty, error) => {
    const check = () => preflight(config(env, flags), listTools, tty);
    if (error === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(error);
  });

  it("refuses an audit log it could not write before any call runs unrecorded, and makes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-pre-"));
    try {
      writeFileSync(join(dir, "a-file"), "");
      const audit = (path: string) => () => preflight(config(key, { audit: path }), false, false);
      expect(audit(dir)).toThrow(`the audit log ${dir} is not a file; give --audit FILE a file the agent can write`);
      expect(audit(join(dir, "a-file", "x", "audit.jsonl"))).toThrow(
        `the audit log ${join(dir, "a-file")} is a file, so ${join(dir, "a-file", "x", "audit.jsonl")} cannot be made under it`,
      );
      expect(audit(join(dir, "new", "deeper", "audit.jsonl"))).not.toThrow();
      // /dev/null turns the log off, as a file would take it.
      expect(audit("/dev/null")).not.toThrow();
      expect(existsSync(join(dir, "new"))).toBe(false);
      // Only listing tools writes no audit log.
      expect(() => preflight(config(key, { audit: dir }), true, false)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("spawnServers", () => {
  let spawned: Map<string, ProcessTransport> | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await Promise.all([...(spawned?.values() ?? [])].map((t) => t.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    spawned = undefined;
    dir = undefined;
  });

  it("starts every stdio server now and creates the built-ins' workspace; unbuilt built-ins and URL servers wait", async () => {
    dir = mkdtempSync(join(tmpdir(), "launch-test-"));
    const base = config({}, { workspace: join(dir, "ws") });
    const [file, db, api] = base.servers as StdioServerSpec[] as [StdioServerSpec, StdioServerSpec, StdioServerSpec];
    const cfg: AgentConfig = {
      ...base,
      servers: [
        file,
        { ...db, args: [join(dir, "missing.js")] },
        api,
        { kind: "stdio", name: "extra", command: process.execPath, args: [FIXTURE], env: {}, builtin: false },
        { kind: "http", name: "remote", url: "http://127.0.0.1:9/mcp", headers: {}, builtin: false },
      ],
    };
    expect(unbuiltServers(cfg).map((s) => s.name)).toEqual(["db"]);
    spawned = spawnServers(cfg, { PATH: process.env.PATH }, undefined);
    expect([...spawned.keys()]).toEqual(["file", "api", "extra"]);
    expect(existsSync(join(dir, "ws"))).toBe(true);
    for (const transport of spawned.values()) {
      expect(transport.pid).toBeGreaterThan(0);
      expect(isAlive(transport.pid as number)).toBe(true);
    }
    const pids = [...spawned.values()].map((t) => t.pid as number);
    await Promise.all([...spawned.values()].map((t) => t.close()));
    expect(await waitUntil(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
  });

  it("gives the file and db servers no NODE_EXTRA_CA_CERTS to parse unless telemetry is exported; api keeps it", async () => {
    const certs = "/etc/ssl/certs/ca-certificates.crt";
    const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    for (const [extra, kept] of [
      [{}, ["api"]],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example:4318" }, ["file", "db", "api"]],
    ] as const) {
      dir = mkdtempSync(join(tmpdir(), "launch-test-"));
      const env = { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: certs, OTEL_SDK_DISABLED: "true", ...extra };
      const cfg = resolveConfig({ workspace: join(dir, "ws") }, ["task"], env, tmpdir());
      spawned = spawnServers(cfg, env, undefined);
      for (const [name, transport] of spawned) {
        const has = environOf(transport.pid as number).includes(`NODE_EXTRA_CA_CERTS=${certs}`);
        expect([name, has]).toEqual([name, (kept as readonly string[]).includes(name)]);
      }
      await Promise.all([...spawned.values()].map((t) => t.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("makeWorkspace", () => {
  it("creates a missing folder, saying so once, and refuses a file (or a path under one) in one usage line", () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-test-"));
    try {
      const notices: string[] = [];
      createdNotice(join(dir, "a", "b"), (line) => notices.push(line));
      expect(existsSync(join(dir, "a", "b"))).toBe(true);
      createdNotice(join(dir, "a", "b"), (line) => notices.push(line));
      expect(notices).toEqual([`created the workspace ${join(dir, "a", "b")} (it did not exist)`]);
      expect(makeWorkspace(join(dir, "a"))).toBe(false);
      const file = join(dir, "notes.txt");
      writeFileSync(file, "x");
      for (const path of [file, join(file, "sub")]) {
        expect(() => makeWorkspace(path)).toThrow(UsageError);
        expect(() => makeWorkspace(path)).toThrow(`the workspace ${path} is a file, or lies under one; give a folder`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the read-only db server's database", () => {
  it.each([
    ["read-only, on a fresh workspace: made empty, and said", { "read-only": true }, undefined, true],
    ["read-only, with a database there: left as it is", { "read-only": true }, "SQLite format 3\0", false],
    ["not read-only: the db server makes its own", {}, undefined, false],
  ])("%s", (_case, flags, existing, made) => {
    const dir = mkdtempSync(join(tmpdir(), "launch-test-"));
    try {
      const workspace = join(dir, "ws");
      const db = join(workspace, "data.db");
      if (existing !== undefined) {
        makeWorkspace(workspace);
        writeFileSync(db, existing);
      }
      const notices: string[] = [];
      prepareWorkspace(config({}, { workspace, ...flags }), (line) => notices.push(line));
      expect(
        notices.some((line) => line === `created ${db}, an empty database: the read-only db server cannot create one`),
      ).toBe(made);
      expect(existsSync(db)).toBe(made || existing !== undefined);
      if (existing !== undefined) expect(readFileSync(db, "utf8")).toBe(existing);
      else if (made) expect(readFileSync(db, "utf8")).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is not made when the db server is turned off", () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-test-"));
    try {
      const base = config({}, { workspace: join(dir, "ws"), "read-only": true });
      const cfg = { ...base, servers: base.servers.filter((s) => s.name !== "db") };
      expect(makeReadOnlyDatabase(cfg)).toBeUndefined();
      expect(existsSync(join(dir, "ws", "data.db"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
