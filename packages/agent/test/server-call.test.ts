import { serveHttp, serverFactory, toolSet } from "@mcp-toolkit/core";
import { expect, it } from "vitest";
import { ServerPool, ToolCallError } from "../src/servers.js";
import { addTool } from "./fixtures/add-tool.js";

it("says a call to a remote server that went away got no answer, and counts it as a failure, not an answer", async () => {
  const endpoint = await serveHttp(
    serverFactory({ info: { name: "remote", version: "1.0.0" }, tools: toolSet([addTool]) }),
    { host: "127.0.0.1", port: 0, token: "t" },
  );
  const pool = new ServerPool({ startupTimeoutMs: 10_000, env: { PATH: process.env.PATH } });
  try {
    const spec = {
      kind: "http" as const,
      name: "remote",
      url: endpoint.url.href,
      headers: {},
      builtin: false as const,
    };
    expect(await pool.start([{ ...spec, headers: { Authorization: "Bearer t" } }])).toEqual([]);
    await endpoint.close();
    const error = await pool.call("remote", "add", { a: 1, b: 2 }, { timeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolCallError);
    expect((error as ToolCallError).message).toMatch(
      /^no answer from server "remote": the connection failed \(fetch failed: [^)]+\); it may be down or restarting/,
    );
    expect((error as ToolCallError).answered).toBe(false);
  } finally {
    await pool.close();
    await endpoint.close();
  }
});
