import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir, textOf } from "./helpers.js";

// The executor process as shipped, on a database file whose permissions change while the server runs. File modes
// do not bind root: run as root, the server runs as nobody (through setpriv), where that user can reach the build.

const BIN = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
const asRoot = process.getuid?.() === 0;
const AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
const nobodyRuns =
  !asRoot || spawnSync(AS_NOBODY[0] as string, [...AS_NOBODY.slice(1), process.execPath, BIN, "--help"]).status === 0;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe.skipIf(!nobodyRuns)("the executor on a database file made read-only while the server runs", () => {
  it("says the file cannot be written, and takes writes again once it can", async () => {
    const tmp = tempDir();
    chmodSync(tmp.dir, 0o777);
    const path = join(tmp.dir, "d.db");
    const [command, ...args] = [
      ...(asRoot ? AS_NOBODY : []),
      process.execPath,
      BIN,
      "--db",
      path,
      "--timeout-ms",
      "1000",
    ];
    const transport = new StdioClientTransport({ command: command as string, args, stderr: "ignore" });
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(transport);
    close = async () => {
      await client.close();
      tmp.cleanup();
    };
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
    expect((await call("execute_write", { sql: "CREATE TABLE t(a)" })).isError).toBeFalsy();
    expect((await call("execute_write", { sql: "INSERT INTO t VALUES (1)" })).isError).toBeFalsy();
    chmodSync(path, 0o444);
    // A statement stopped at the time limit takes its process with it: the next one opens the file as it is now.
    const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    expect((await call("execute_query", { sql: endless })).isError).toBe(true);
    const refused = await call("execute_write", { sql: "INSERT INTO t VALUES (2)" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused as never)).toMatch(/its file is not writable by the server's user .*nothing was written/);
    expect(textOf((await call("execute_query", { sql: "SELECT count(*) AS n FROM t" })) as never)).toContain("[[1]]");
    chmodSync(path, 0o644);
    expect((await call("execute_write", { sql: "INSERT INTO t VALUES (3)" })).isError).toBeFalsy();
    expect(textOf((await call("execute_query", { sql: "SELECT group_concat(a) FROM t" })) as never)).toContain('"1,3"');
  }, 30_000);
});
