import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { type ClientKind, connectClient, type TestClient } from "../../core/test/clients.js";
import type { FilesystemServerOptions } from "../src/options.js";
import { createFilesystemServerFactory } from "../src/server.js";

/** A fresh temp directory (realpath'd); remove it with `cleanup`. */
export function tempDir(prefix = "fs-test-"): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A real SDK client connected in-process to a filesystem server (a 2026-07-28 client unless `kind` says otherwise);
 * `call` returns the raw tool result.
 */
export async function connect(
  options: FilesystemServerOptions,
  kind: ClientKind = "modern",
): Promise<{
  client: TestClient;
  call: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
  close: () => Promise<void>;
}> {
  const factory = createFilesystemServerFactory(options);
  const client = await connectClient(factory, kind);
  return {
    client,
    call: (name, args) => client.callTool({ name, arguments: args }),
    close: async () => {
      await client.close();
      await factory.close();
    },
  };
}

/** All text content of a result, joined. */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}
