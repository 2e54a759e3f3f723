import type { Tool } from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { CallToolResult, ReadResourceResult } from "@modelcontextprotocol/client";
import { blobText } from "./blob-text.js";
import type { Audience } from "./content-audience.js";
import { listedAudiences } from "./resource-audience.js";
import { listResources, listResourceTemplates, readResource } from "./server-resources.js";
import type { ServerPool } from "./servers.js";
import { ToolCallError } from "./servers.js";

/** The agent's own tools over the servers' resources. The `mcp` prefix is reserved: no server may be named so. */
export const LIST_RESOURCES = "mcp__list_resources";
export const READ_RESOURCE = "mcp__read_resource";
/** Server names the agent keeps for its own tools. */
export const RESERVED_SERVER_NAMES: readonly string[] = ["mcp"];

/** The two tools as the Messages API takes them; offered only when some server has resources. */
export function resourceTools(servers: readonly string[]): Tool[] {
  const names = servers.join(", ");
  return [
    {
      name: LIST_RESOURCES,
      description: `[agent] List the resources (documents, schemas, files) MCP servers offer, with their URIs and URI templates. Servers with resources: ${names}.`,
      input_schema: {
        type: "object",
        properties: {
          server: { type: "string", description: `One server's resources only (${names}); all if left out` },
        },
      },
    },
    {
      name: READ_RESOURCE,
      description: `[agent] Read one resource by server and URI (from ${LIST_RESOURCES}); long content is cut to the output budget.`,
      input_schema: {
        type: "object",
        properties: {
          server: { type: "string", description: `The server that lists it: ${names}` },
          uri: {
            type: "string",
            description: "The resource's URI, exactly as listed, or a listed template's with its {variables} filled in",
          },
        },
        required: ["server", "uri"],
      },
    },
  ];
}

/** A resource's contents as a tool result: text (and a blob of a text type) as text, images as images, other binaries as a note. */
export function resourceResult(read: ReadResourceResult): CallToolResult {
  const many = read.contents.length > 1;
  const content: CallToolResult["content"] = read.contents.map((c) => {
    const blob = "blob" in c && typeof c.blob === "string" ? c.blob : "";
    const mime = c.mimeType ?? "application/octet-stream";
    const decoded = "text" in c && typeof c.text === "string" ? c.text : blobText(blob, c.mimeType);
    if (decoded !== undefined) {
      // An empty file's contents are "", which would reach the model as "(no output)".
      const text = decoded === "" ? "(empty resource)" : decoded;
      return { type: "text", text: many ? `[${c.uri}]\n${text}` : text };
    }
    if (mime.startsWith("image/")) return { type: "image", data: blob, mimeType: mime };
    const bytes = Buffer.byteLength(blob, "base64");
    return { type: "text", text: `[${c.uri}: ${mime}, ${bytes} bytes of binary content, not shown]` };
  });
  return { content: content.length > 0 ? content : [{ type: "text", text: "(empty resource)" }] };
}

/**
 * Run one of the two tools over the `offered` servers only (--read-only leaves remote ones out); throws
 * ToolCallError with words the model can act on.
 */
export async function runResourceTool(
  name: string,
  input: Record<string, unknown>,
  pool: ServerPool,
  offered: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const server = input.server;
  if (server !== undefined && typeof server !== "string") {
    throw new ToolCallError(`${name}: server must be a server name string, e.g. "db"`);
  }
  if (server !== undefined && !offered.includes(server) && pool.offering("resources").includes(server)) {
    throw new ToolCallError(
      `${name}: server "${server}"'s resources are not offered in this run (--read-only: it is a remote server, and what is read there is sent there); servers with resources offered: ${offered.join(", ")}`,
    );
  }
  if (name === LIST_RESOURCES) {
    const servers = server === undefined ? offered : [server];
    const [listing, templates] = await Promise.all([
      listResources(pool, server, timeoutMs, offered, signal),
      listResourceTemplates(pool, servers, timeoutMs, signal),
    ]);
    const lines = [
      ...listing.resources.map(({ server: s, resource: r }) => `${s} ${r.uri}${about(r, r.uri)}`),
      ...templates.map(({ server: s, template: t }) => `${s} ${t.uriTemplate} (template)${about(t, t.uriTemplate)}`),
    ];
    if (templates.length > 0)
      lines.push(`Read a (template) by filling in its {variables} and passing that URI to ${READ_RESOURCE}.`);
    lines.push(...listing.problems);
    return { content: [{ type: "text", text: lines.length > 0 ? lines.join("\n") : "no resources listed" }] };
  }
  const uri = input.uri;
  if (typeof server !== "string" || typeof uri !== "string" || !uri) {
    throw new ToolCallError(
      `${READ_RESOURCE} takes {"server": "db", "uri": "sqlite://schema"}; ${LIST_RESOURCES} shows what exists`,
    );
  }
  const [read, audience] = await Promise.all([
    readResource(pool, server, uri, timeoutMs, signal),
    listedAudiences(pool, timeoutMs, signal)(server, uri),
  ]);
  return withAudience(resourceResult(read), audience);
}

/**
 * A resource's result marked with the audience its listing gives it (resources/read carries none), so a resource
 * listed for the user only is shown to the user and not sent to the model, as it is when attached with @server:uri.
 */
export function withAudience(result: CallToolResult, audience: Audience): CallToolResult {
  if (audience === "both") return result;
  const role = audience === "user" ? "user" : "assistant";
  return {
    ...result,
    content: result.content.map((c) => ({ ...c, annotations: { ...c.annotations, audience: [role] } })),
  };
}

/** " — name (type): description", each part only when it says something the URI does not. */
function about(r: { name: string; mimeType?: string | undefined; description?: string | undefined }, uri: string) {
  return `${r.name && r.name !== uri ? ` — ${r.name}` : ""}${r.mimeType ? ` (${r.mimeType})` : ""}${r.description ? `: ${r.description}` : ""}`;
}
