import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";

const BIN = path.resolve(import.meta.dirname, "../dist/cli.cjs");
const SIZE = 8 * 1024 * 1024;

/** Start the built server on `root`, send a large write_file, and SIGKILL it as soon as its temp file appears. */
async function killMidWrite(root: string, content: string): Promise<{ sawTemp: boolean }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "--root", root, "--log-level", "silent"],
    stderr: "ignore",
  });
  const client = new Client({ name: "killer", version: "1.0.0" });
  await client.connect(transport);
  const pid = transport.pid as number;
  let sawTemp = false;
  let finished = false;
  const call = client.callTool({ name: "write_file", arguments: { path: "big.txt", content } }).then(
    () => {
      finished = true;
    },
    () => undefined,
  );
  const deadline = Date.now() + 10_000;
  while (!finished && Date.now() < deadline) {
    if (readdirSync(root).some((name) => name.endsWith(".tmp"))) {
      process.kill(pid, "SIGKILL");
      sawTemp = true;
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await client.close().catch(() => undefined);
  await call;
  return { sawTemp };
}

describe("a writer killed mid-write", () => {
  const ws = tempDir("fs-kill-");
  afterAll(() => ws.cleanup());

  it("leaves the old file or the new one, never a torn one", async () => {
    expect(existsSync(BIN), "build the package first (pnpm test builds it)").toBe(true);
    const target = path.join(ws.dir, "big.txt");
    const oldContent = "old\n".repeat(SIZE / 4);
    writeFileSync(target, oldContent);
    let killedMidWrite = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const newContent = `new ${attempt}\n`.repeat(SIZE / 6);
      const { sawTemp } = await killMidWrite(ws.dir, newContent);
      if (sawTemp) killedMidWrite++;
      const now = readFileSync(target, "utf8");
      expect(now === oldContent || now === newContent).toBe(true);
      // Start the next attempt from a known state.
      writeFileSync(target, oldContent);
    }
    process.stderr.write(`kill-during-write: ${killedMidWrite} of 2 kills landed mid-write\n`);
    // The kill landed while the temp file existed, i.e. in the middle of writing.
    expect(killedMidWrite).toBeGreaterThan(0);
  });
});
