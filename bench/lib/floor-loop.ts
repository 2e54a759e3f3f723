/**
 * The floor for one agent turn, run as its own process so it crosses the same process boundaries as the agent
 * (stand-in → client → filesystem server → client → stand-in): POST /v1/messages with fetch, read the reply, call
 * list_directory over stdio with the SDK client, send the result back. Nothing else.
 * argv[2]: JSON {url, body, turns, command: ServerCommand}.
 */
import { Client, getDefaultEnvironment, StdioClientTransport } from "../deps.js";
import type { ServerCommand } from "./servers.js";

const { url, body, turns, command } = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  body: Record<string, unknown>;
  turns: number;
  command: ServerCommand;
};
const client = new Client({ name: "bench-floor-loop", version: "0.1.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: command.args,
    env: { ...getDefaultEnvironment(), ...command.env },
  }),
);
const messages: unknown[] = [{ role: "user", content: "List the files in the workspace." }];
for (let i = 0; i <= turns; i++) {
  const res = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-ant-bench-dummy" },
    body: JSON.stringify({ ...body, messages }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`stand-in answered ${res.status}: ${text.slice(0, 200)}`);
  if (i === turns) break;
  const id = /"id":"(toolu_[^"]+)"/.exec(text)?.[1] ?? "toolu_x";
  const result = await client.callTool({ name: "list_directory", arguments: { path: "." } });
  if (result.isError) throw new Error(`list_directory failed: ${JSON.stringify(result.content).slice(0, 200)}`);
  messages.push(
    { role: "assistant", content: [{ type: "tool_use", id, name: "file__list_directory", input: { path: "." } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: result.content }] },
  );
}
await client.close();
