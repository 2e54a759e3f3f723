// The shipped SQLite bin's audit trail across a SIGHUP that cannot reopen it: logrotate moved the file and the
// folder is no longer writable. The lines go on to the moved file, the log says what to do, and once the folder is
// fixed another SIGHUP starts the new file. Nothing is lost.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { auditLines } from "../../core/test/audit-trail.js";
import { connectClient, type TestClient } from "../../core/test/clients.js";

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));

// Root writes through a folder's permissions: run the bin as nobody then, as cli.test.ts does. Where nobody cannot
// run this checkout's bin (a clone under a private home), root cannot show the refusal at all.
const asRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };
const nobodyRunsBin = asRoot && spawnSync(process.execPath, [BIN, "--version"], nobody).status === 0;

let dir: string | undefined;
let child: ChildProcess | undefined;
let client: TestClient | undefined;
afterEach(async () => {
  await client?.close().catch(() => {});
  child?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Start the bin over HTTP (as nobody when the tests run as root); its URL once it listens, and its stderr so far. */
async function serve(args: string[], token: string): Promise<{ url: URL; log: { text: string } }> {
  const log = { text: "" };
  child = spawn(process.execPath, [BIN, ...args, "--transport", "http", "--port", "0"], {
    env: { PATH: process.env.PATH ?? "", MCP_AUTH_TOKEN: token },
    stdio: ["ignore", "ignore", "pipe"],
    ...(asRoot ? nobody : {}),
  });
  const url = await new Promise<URL>((resolve, reject) => {
    child?.stderr?.on("data", (chunk: Buffer) => {
      log.text += chunk.toString("utf8");
      const match = /serving MCP over Streamable HTTP at (\S+)/.exec(log.text);
      if (match?.[1]) resolve(new URL(match[1]));
    });
    child?.once("exit", (code) => reject(new Error(`exited (${code}) before listening:\n${log.text}`)));
  });
  return { url, log };
}

const queried = (file: string) =>
  auditLines(file)
    .filter((line) => line.tool === "execute_query")
    .map((line) => line.args_preview);

describe("the SQLite bin's audit log when SIGHUP cannot reopen it", () => {
  it.skipIf(asRoot && !nobodyRunsBin)(
    "keeps writing to the moved file, says what to do, and starts the new file on the next SIGHUP",
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), "mcp-sqlite-audit-"));
      const logs = path.join(dir, "logs");
      mkdirSync(logs);
      if (asRoot) for (const folder of [dir, logs]) chownSync(folder, nobody.uid, nobody.gid);
      const audit = path.join(logs, "audit.log");
      const token = randomBytes(16).toString("hex");
      const { url, log } = await serve(["--db", path.join(dir, "team.db"), "--audit-log", audit], token);
      client = await connectClient({ url, token });
      const query = (n: number) => client?.callTool({ name: "execute_query", arguments: { sql: `SELECT ${n}` } });
      await query(1);

      // logrotate moves the file; the folder is no longer writable; SIGHUP.
      renameSync(audit, `${audit}.1`);
      chmodSync(logs, 0o555);
      child?.kill("SIGHUP");
      await expect.poll(() => log.text, { timeout: 10_000 }).toContain(`cannot reopen ${audit}`);
      expect(log.text).toContain(
        `lines go on to the file open before, where logrotate moved it, and are lost if logrotate compresses or removes that file before a SIGHUP succeeds (use delaycompress): let this server create files in ${logs} (its permissions) and send SIGHUP again`,
      );
      expect(log.text).not.toContain("SIGHUP: reopened");
      await query(2);

      // The operator fixes the folder and sends SIGHUP again.
      chmodSync(logs, 0o755);
      child?.kill("SIGHUP");
      await expect.poll(() => log.text, { timeout: 10_000 }).toContain(`SIGHUP: reopened the audit log ${audit}\n`);
      await query(3);
      await expect.poll(() => queried(audit), { timeout: 10_000 }).toEqual(['{"sql":"SELECT 3"}']);
      expect(queried(`${audit}.1`)).toEqual(['{"sql":"SELECT 1"}', '{"sql":"SELECT 2"}']);
      expect(readFileSync(`${audit}.1`, "utf8").endsWith("\n")).toBe(true);
    },
  );
});
