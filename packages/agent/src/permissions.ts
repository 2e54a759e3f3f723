import { isLoopbackHost } from "@mcp-toolkit/core";
import { printableJson } from "./terminal-text.js";

/** What the annotations say about a tool, as far as permissions go. */
export interface Annotated {
  annotations?: { readOnlyHint?: boolean | undefined; openWorldHint?: boolean | undefined } | undefined;
}

/** The user's permission flags: --read-only and --ask. */
export interface Permissions {
  readOnly: boolean;
  ask: boolean;
}

/**
 * Whether the tool's server reaches only hosts the user listed (the built-in api server under --allow-hosts), so
 * what it sends can go nowhere else.
 */
export interface Reach {
  fenced: boolean;
  /**
   * The host of a server reached by URL (http, https, ws, sse): each call's arguments go there, whatever the tool's
   * annotations say, so no such tool keeps data on this machine.
   */
  remoteHost?: string | undefined;
}

/** Only readOnlyHint: true counts as read-only; a missing hint means "may write" (the MCP default). */
export function isReadOnly(tool: Annotated): boolean {
  return tool.annotations?.readOnlyHint === true;
}

/**
 * Whether a call can carry data off this machine: any call to a remote server, else openWorldHint, whose MCP
 * default is true, so only openWorldHint: false counts as staying here. A read-only GET is one: its URL can hold a
 * file's contents.
 */
export function leavesMachine(tool: Annotated, reach: Partial<Reach> = {}): boolean {
  return reach.remoteHost !== undefined || tool.annotations?.openWorldHint !== false;
}

/**
 * Whether the model is offered this tool at all. --read-only offers read-only tools that keep data on this machine,
 * and those that leave it only for hosts the user listed.
 */
export function isOffered(tool: Annotated, permissions: Permissions, reach: Reach): boolean {
  if (!permissions.readOnly) return true;
  return isReadOnly(tool) && (!leavesMachine(tool, reach) || (reach.fenced && reach.remoteHost === undefined));
}

/** Whether a call needs a y/n from the user first: under --ask, anything that writes or can send data away. */
export function needsConsent(tool: Annotated, permissions: Permissions, reach: Partial<Reach> = {}): boolean {
  return permissions.ask && (!isReadOnly(tool) || leavesMachine(tool, reach));
}

/** An answer to an --ask question: this call, not this call, or this tool from now on. */
export type Consent = "yes" | "no" | "always";

/** Read an answer: y/yes, n/no or Enter (the default, no), a/always; undefined for anything else (ask again). */
export function readConsent(answer: string): Consent | undefined {
  const word = answer.trim().toLowerCase();
  if (word === "y" || word === "yes") return "yes";
  if (word === "" || word === "n" || word === "no") return "no";
  if (word === "a" || word === "always") return "always";
  return undefined;
}

/**
 * The call as the --ask question shows it: arguments the tool's schema declares come first, in its order, and every value is
 * clipped, so padding (extra arguments, long strings) cannot push what matters, like a path or URL, out of view.
 * For a call that can leave the machine, where it goes comes first: the method, and the host the `url` argument
 * really names (a user name before '@' is not a host; an international name shows as punycode), or, for a remote
 * server's tool, the server's host, where every argument goes.
 */
export function consentQuestion(
  name: string,
  input: Record<string, unknown>,
  schema: { properties?: unknown } | undefined,
  options: { leavesMachine?: boolean; remoteHost?: string | undefined; clip?: number } = {},
): string {
  const { leavesMachine = false, remoteHost, clip = 200 } = options;
  const props = schema?.properties;
  const declared = props && typeof props === "object" ? Object.keys(props) : [];
  const rank = (key: string) => (declared.includes(key) ? declared.indexOf(key) : declared.length);
  const keys = Object.keys(input).sort((a, b) => rank(a) - rank(b));
  // printableJson: a control character in an argument shows as its \u escape, exactly what the tool would get.
  const args = printableJson(Object.fromEntries(keys.map((k) => [k, clipValue(input[k], clip)])));
  if (remoteHost !== undefined) {
    const where = onThisMachine(remoteHost)
      ? "a server on this machine, reached by URL"
      : "a remote server: data leaves this machine";
    return `${name} → ${remoteHost} (${where}) ${args}`;
  }
  return leavesMachine ? `${name} ${destination(input)} ${args}` : `${name} ${args}`;
}

/**
 * Where a call that leaves the machine goes, in words: "POST → host:port (data leaves this machine)", or, for a
 * loopback host (the api server under --allow-loopback), that it goes to a service on this machine.
 */
function destination(input: Record<string, unknown>): string {
  const method = typeof input.method === "string" ? `${input.method.slice(0, 16)} ` : "";
  if (typeof input.url !== "string") return `${method}(data may leave this machine)`;
  let host: string;
  try {
    host = new URL(input.url).host || "(no host)";
  } catch {
    host = "(not a URL)";
  }
  const where = onThisMachine(host) ? "a service on this machine" : "data leaves this machine";
  return `${method}→ ${host} (${where})`;
}

/** Whether `host` (host:port, as a URL has it) is this machine's loopback: localhost, 127.0.0.0/8 or [::1]. */
function onThisMachine(host: string): boolean {
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

function clipValue(value: unknown, clip: number): unknown {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return text.length <= clip ? value : `${text.slice(0, clip - 1)}… (${text.length} chars)`;
}
