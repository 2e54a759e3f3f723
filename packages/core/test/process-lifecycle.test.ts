// What one SIGHUP does and says, with real files: the audit log reopened where logrotate left a new path, the tokens
// file re-read, a broken one reported and kept out, and the "nothing to do" line only when nothing is configured.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AccessChoice } from "../src/access-options.js";
import { type AuditLog, openAuditLog } from "../src/audit-log.js";
import { createLogger } from "../src/logger.js";
import { openAccess } from "../src/open-access.js";
import { reloadFiles } from "../src/process-lifecycle.js";

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

let dir: string;
let tokens: string;
let lines: string[];
const logger = () => createLogger("test", "info", (line) => lines.push(line.trimEnd()));
const logs: AuditLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mcp-sighup-"));
  tokens = join(dir, "tokens.json");
  writeFileSync(tokens, JSON.stringify({ tokens: [{ name: "ci", sha256: sha256("ci-token"), roles: ["reader"] }] }));
  lines = [];
});

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tokensAccess() {
  const choice: AccessChoice = { auth: { mode: "tokens", file: tokens } };
  return { choice, access: await openAccess(choice, logger()) };
}

function auditFile() {
  const target = join(dir, "audit.jsonl");
  const log = openAuditLog(target, (error) => lines.push(`onError: ${error.message}`));
  logs.push(log);
  return { log, target };
}

describe("reloadFiles (SIGHUP)", () => {
  it("says there is nothing to do only when no audit file, tokens file or policy is configured", async () => {
    await reloadFiles({}, logger());
    expect(lines).toEqual([
      "[test] info: SIGHUP: nothing to reopen or re-read (no --audit-log file, --tokens-file, --auth-policy or --tls-cert)",
    ]);
  });

  it("re-reads the tokens file and reopens the audit log, in one line", async () => {
    const audit = auditFile();
    renameSync(audit.target, `${audit.target}.1`);
    await reloadFiles({ audit, ...(await tokensAccess()) }, logger());
    expect(lines).toEqual([
      `[test] info: SIGHUP: reopened the audit log ${audit.target}; re-read the tokens file ${tokens}`,
    ]);
  });

  it("with no audit file, a tokens file that no longer parses gets the error line alone", async () => {
    const { choice, access } = await tokensAccess();
    writeFileSync(tokens, "{ not json");
    await reloadFiles({ access, choice }, logger());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[test\] error: SIGHUP: kept the previous tokens: .*tokens\.json is not valid JSON/);
    // The tokens read before still let their callers in.
    expect(await access.auth.authenticate("Bearer ci-token")).toMatchObject({ ok: true });
  });

  it("with a policy file and no tokens file (OAuth, a shared token), a broken policy is said to keep the policy alone", async () => {
    const policy = join(dir, "policy.json");
    writeFileSync(
      policy,
      JSON.stringify({ roles: { analyst: ["list_tables"] }, scopes: { "mcp:analyst": "analyst" } }),
    );
    const choice: AccessChoice = {
      auth: { mode: "token", token: "a-shared-token-of-32-characters!" },
      policyFile: policy,
    };
    const access = await openAccess(choice, logger());
    lines = [];
    writeFileSync(policy, "{ not json");
    await reloadFiles({ access, choice }, logger());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[test\] error: SIGHUP: kept the previous policy: .*policy\.json is not valid JSON/);
  });

  it("with an audit file, a broken tokens file: what was done (the log reopened), then the error", async () => {
    const audit = auditFile();
    const { choice, access } = await tokensAccess();
    writeFileSync(tokens, "{ not json");
    await reloadFiles({ audit, access, choice }, logger());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`[test] info: SIGHUP: reopened the audit log ${audit.target}`);
    expect(lines[1]).toMatch(/^\[test\] error: SIGHUP: kept the previous tokens: /);
  });
});

describe("installSignals, an HTTP server stopped by a signal", () => {
  it("says it is stopping, so its log is told from that of a process killed", async () => {
    const dist = new URL("../dist/", import.meta.url).href;
    const script = `
      const { installSignals } = await import(${JSON.stringify(`${dist}process-lifecycle.js`)});
      const { createLogger } = await import(${JSON.stringify(`${dist}logger.js`)});
      const http = { drain: async () => true };
      installSignals({ http, factory: { close: async () => {} }, close: async () => {}, watchStdin: false },
        createLogger("test", "info"));
      console.log("ready");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("info: stopping on SIGTERM: taking no new connections; calls running get up to 3000 ms");
  });
});

describe("installShutdown, signalled twice", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "a second %s stops at once with its own exit code, saying the calls left were cut",
    async (signal, code) => {
      const dist = new URL("../dist/", import.meta.url).href;
      const script = `
      const { installShutdown } = await import(${JSON.stringify(`${dist}process-lifecycle.js`)});
      const { createLogger } = await import(${JSON.stringify(`${dist}logger.js`)});
      installShutdown(() => new Promise(() => {}), createLogger("test", "info"), false);
      console.log("ready");
      setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
      child.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain(`stopping at once on a second ${signal}: calls still running were cut, unanswered`);
    },
  );
});
