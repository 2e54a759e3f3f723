import { z } from "zod";
import type { CliSpec } from "../src/cli-options.js";
import { ok, refuse } from "../src/results.js";
import { runServerCli } from "../src/serve.js";
import { serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";

// A server started the way the bins start it, over HTTP, with a tool that answers and one the sandbox refuses:
// what the metrics tests call and scrape.

const HINTS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
/** The bearer token the server takes. */
export const TOKEN = "metrics-test-token";

const tools = toolSet([
  defineTool({
    name: "echo",
    title: "Echo",
    description: "Return the text given.",
    inputSchema: { text: z.string().describe("Text.") },
    annotations: HINTS,
    handler: async ({ text }) => ok(text),
  }),
  defineTool({
    name: "guarded",
    title: "Guarded",
    description: "Always refused by the sandbox.",
    inputSchema: {},
    annotations: HINTS,
    handler: async () => refuse("outside the sandbox — stay under the root", "sandbox"),
  }),
]);

/** Start it with these flags besides HTTP on a free port. */
export async function startServer(flags: string[]) {
  const running = await runServerCli(
    {
      spec: { name: "mcp-metrics-test", summary: "test", options: {} } as CliSpec<Record<string, never>>,
      version: "1.0.0",
      configure: () => ({}),
      createFactory: () => serverFactory({ info: { name: "metrics-test", version: "1.0.0" }, tools }),
    },
    ["--transport", "http", "--port", "0", "--log-level", "silent", ...flags],
    { MCP_AUTH_TOKEN: TOKEN },
  );
  if (!running?.http) throw new Error("the server did not start");
  return running;
}
