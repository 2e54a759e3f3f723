// The SDK checks each request it handles (tools/list, resources/read, completion/complete, …) against the protocol's
// schema before any handler runs, and answers one whose params do not fit with an internal error (-32603) whose message
// is zod's raw issue list (tools/call: invalid params, but the same list). The client's mistake is then reported as
// the server's, in a form neither a person nor a model reads easily. Here that answer becomes invalid params (-32602)
// naming each parameter and what it should be, as core's own prompts/get already answers.
import { type McpServer, ProtocolErrorCode, specTypeSchemas } from "@modelcontextprotocol/server";
import { refuseUnpagedCursors } from "./list-cursor.js";
import { explainErrors } from "./request-watch.js";

/** What each parameter of the requests our servers handle should be; a nested one falls back to its parent's. */
const SHOULD_BE: Readonly<Record<string, string>> = {
  "": "an object of the request's parameters",
  uri: "the resource's URI, as text (resources/list and resources/templates/list show them)",
  cursor: "the nextCursor of the previous page, as text (leave it out for the first page)",
  ref: '{"type": "ref/prompt", "name": <a prompt\'s name>} or {"type": "ref/resource", "uri": <a resource template\'s URI>}',
  argument: '{"name": <the argument\'s name>, "value": <the text typed so far>}',
  "argument.name": "the name of the argument to complete, as text",
  "argument.value": "the text typed so far",
  context: '{"arguments": {<name>: <value>}}, the arguments already filled in',
  "context.arguments": "an object of the arguments already filled in, each value text",
  name: "the tool's name, as text (tools/list shows them)",
  arguments: "an object of the tool's arguments, as its inputSchema in tools/list describes them",
  protocolVersion: "the protocol revision the client speaks, as text (such as 2025-11-25)",
  capabilities: "an object of the client's capabilities ({} for none)",
  clientInfo: '{"name": <the client\'s name>, "version": <its version>}',
  _meta: "an object",
};

/** One of zod's issues, as the SDK's message lists them. */
interface Issue {
  code?: unknown;
  path: unknown[];
  message?: unknown;
}

/** The issues in the SDK's message, when it is a list of them all about the request's params; else undefined. */
function paramsIssues(text: string): Issue[] | undefined {
  let issues: unknown;
  try {
    issues = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const about = (issue: unknown): issue is Issue =>
    typeof issue === "object" &&
    issue !== null &&
    Array.isArray((issue as Issue).path) &&
    (issue as Issue).path[0] === "params";
  return issues.every(about) ? issues : undefined;
}

/** What the client sent, in words, from zod's "expected X, received Y" (missing, a number, …). */
function received(issue: Issue): string {
  const got = typeof issue.message === "string" ? /received (\w+)/.exec(issue.message)?.[1] : undefined;
  if (got === undefined) return "is not valid";
  if (got === "undefined") return "is missing";
  if (got === "null") return "is null";
  if (got === "string") return "is text";
  return `is ${/^[aeiou]/.test(got) ? "an" : "a"} ${got}`;
}

/** What a parameter should be: its own entry, or its nearest parent's (params as a whole is no parameter's parent). */
function shouldBe(path: string[]): string | undefined {
  for (let length = path.length; length >= Math.min(path.length, 1); length--) {
    const hint = SHOULD_BE[path.slice(0, length).join(".")];
    if (hint !== undefined) return hint;
  }
  return undefined;
}

/**
 * The SDK's answer to a request whose params do not fit the protocol's schema (zod's issue list, perhaps after
 * "Invalid tools/call request: "), as one sentence per parameter: its name, what was sent, what it should be.
 * Undefined for any other message.
 */
export function invalidParamsMessage(message: string): string | undefined {
  const prefix = /^Invalid ([\w/]+) request: /.exec(message);
  const issues = paramsIssues(prefix ? message.slice(prefix[0].length) : message);
  if (!issues) return undefined;
  const sentences = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.slice(1).map(String);
    const name = path.length > 0 ? path.join(".") : "params";
    const hint = shouldBe(path);
    sentences.add(`${name} ${received(issue)}${hint ? `; it should be ${hint}` : ""}`);
  }
  return `Invalid params${prefix ? ` for ${prefix[1]}` : ""}: ${[...sentences].join(". ")}`;
}

/**
 * Have `server` answer a request whose params do not fit the protocol's schema with invalid params (-32602) saying
 * which parameter is wrong and what it should be (invalidParamsMessage), on every connection from the next on.
 * A cursor on a list the SDK sends whole is refused the same way (list-cursor.ts). Install it after anything that
 * watches answers (the audit trail), so they see this answer, not the SDK's.
 */
export function explainInvalidParams(server: McpServer): void {
  explainErrors(server, [ProtocolErrorCode.InternalError, ProtocolErrorCode.InvalidParams], invalidParamsMessage);
  refuseUnpagedCursors(server);
}

/**
 * An `initialize` (a request by that method) whose params do not fit the protocol's schema, for the HTTP session layer
 * that must answer it before any server exists: its id and invalidParamsMessage's sentence. Undefined for any other
 * body, and for an initialize whose fault is not in its params (a wrong `jsonrpc`).
 */
export function malformedInitialize(body: unknown): { id: string | number; message: string } | undefined {
  const request = body as { method?: unknown; id?: unknown } | null;
  if (typeof request !== "object" || request === null || request.method !== "initialize") return undefined;
  if (typeof request.id !== "string" && typeof request.id !== "number") return undefined;
  const { issues } = specTypeSchemas.InitializeRequest["~standard"].validate(body);
  const message = issues ? invalidParamsMessage(JSON.stringify(issues)) : undefined;
  return message === undefined ? undefined : { id: request.id, message };
}
