import { createHash } from "node:crypto";

/** The Messages API's rule for tool names. */
export const API_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** What a server name in mcp.json may be: it becomes the prefix of every tool name. */
export const SERVER_NAME = /^(?!.*__)[a-zA-Z0-9_-]{1,32}$/;
const SEPARATOR = "__";
const MAX = 64;

/** A server tool as listed by tools/list, before namespacing. */
export interface SourceTool {
  server: string;
  name: string;
  description?: string | undefined;
}

/** A tool as offered to the model, with the way back to its server. */
export interface NamedTool {
  apiName: string;
  server: string;
  tool: string;
  description: string;
}

/** Why a server name is unusable, or undefined when it is fine. */
export function serverNameProblem(name: string): string | undefined {
  if (name === "mcp")
    return `server name "mcp" is reserved for the agent's own tools (mcp__list_resources, mcp__read_resource); pick another`;
  if (SERVER_NAME.test(name)) return undefined;
  const fit = fittingServerName(name);
  return `server name "${name}" must be 1-32 letters, digits, "-" or "_" without "__" (it prefixes tool names as name__tool)${fit === undefined ? "" : `; rename it, e.g. "${fit}"`}`;
}

/**
 * A name that fits, made from one that does not (`io.github.user/notes` → `io-github-user-notes`, a long one cut at
 * 32); undefined when little of it is left.
 */
function fittingServerName(name: string): string | undefined {
  const fit = name
    .replace(/[^a-zA-Z0-9_-]+/g, "-")
    .replace(/_{2,}/g, "_")
    .slice(0, 32)
    .replace(/^[-_]+|[-_]+$/g, "");
  // A letter or two left of a name in another script says nothing of it.
  return fit.length >= Math.min(3, name.length) && fit !== "mcp" && SERVER_NAME.test(fit) ? fit : undefined;
}

/** Characters of a tool's own description kept (Claude Code cuts MCP tool descriptions at the same length). */
export const MAX_DESCRIPTION = 2048;

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Replace characters the API refuses; MCP tool names may contain dots or slashes. */
export function sanitizeToolName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, "_");
  return cleaned.length > 0 ? cleaned : "tool";
}

/**
 * Namespace tools as `server__tool`, within ^[a-zA-Z0-9_-]{1,64}$. Names that are too long or
 * collide get a deterministic short hash of the original server and tool names, so the same
 * configuration always yields the same names. Pure: the result maps every API name back.
 */
export function namespaceTools(tools: readonly SourceTool[]): NamedTool[] {
  const used = new Set<string>();
  const named: NamedTool[] = [];
  for (const tool of tools) {
    const plain = `${tool.server}${SEPARATOR}${sanitizeToolName(tool.name)}`;
    const apiName = plain.length > MAX || used.has(plain) ? shortened(tool, plain, used) : plain;
    used.add(apiName);
    const text = typeof tool.description === "string" ? tool.description.trim() : "";
    // A bloated description costs tokens on every request; cut it as Claude Code does.
    const description = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text || tool.name;
    named.push({ apiName, server: tool.server, tool: tool.name, description: `[${tool.server}] ${description}` });
  }
  return named;
}

function shortened(tool: SourceTool, plain: string, used: ReadonlySet<string>): string {
  for (let length = 6; length <= 16; length += 2) {
    const hash = shortHash(`${tool.server}\u0000${tool.name}`, length);
    const candidate = `${plain.slice(0, MAX - length - 1)}_${hash}`;
    if (!used.has(candidate)) return candidate;
  }
  throw new Error(`cannot find a unique name for ${tool.server}/${tool.name}`);
}
