// The audit trail of a server: one JSON line per request, saying who did what and how it went. Appended (O_APPEND)
// to a file that is reopened on SIGHUP, so logrotate can move it, or written to stderr.
import { createHash } from "node:crypto";
import { createWriteStream, openSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { AuthInfo, CallToolResult } from "@modelcontextprotocol/server";
import { type Caller, callerOf } from "./caller.js";
import { jsonDepth } from "./json-depth.js";
import { CANCELLED_BY_CLIENT } from "./results.js";
import { SECRET_KEY, withoutQuerySecrets, withoutUserinfo } from "./secret-names.js";

/** How a request ended. */
export type AuditOutcome = "ok" | "error" | "refused" | "rate_limited" | "unauthorized" | "asked" | "cancelled";

/** One line of the audit trail. */
export interface AuditEntry {
  ts: string;
  request_id: string;
  caller: { sub: string | null; client_id: string | null; token_name: string | null } | null;
  /** Where the request came from over HTTP (through a trusted proxy, the client it names); null on stdio. */
  client_address: string | null;
  method: string;
  tool: string | null;
  args_sha256: string | null;
  args_preview: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  duration_ms: number;
  bytes: number;
}

/** One finished tool call, as the tool wrapper reports it. */
export interface ToolCallRecord {
  tool: string;
  args: unknown;
  result: CallToolResult;
  authInfo: AuthInfo | undefined;
  /** The JSON-RPC id of the request. */
  rpcId: string | number;
  durationMs: number;
  /** Removes the server's own secrets from the argument preview. */
  redact?: ((text: string) => string) | undefined;
  /** The call stopped to ask the user (elicitation); it runs again with the answer. */
  asked?: boolean;
  /** The call's abort signal had fired when it ended: its client cancelled it or went away. */
  cancelled?: boolean;
}

/** Where audit lines go. */
export interface AuditLog {
  write(entry: AuditEntry): void;
  /** Write the line for a finished tool call. */
  toolCall(call: ToolCallRecord): void;
  /**
   * Reopen the file (after logrotate moved it); false when there is none (stderr) or it cannot be opened — then lines
   * go on to the file open before, and `onError` says so.
   */
  reopen(): boolean;
  close(): Promise<void>;
}

/** Characters of the redacted argument preview. */
export const ARGS_PREVIEW_CHARS = 200;

/**
 * The most characters a line keeps of a JSON-RPC id, method or tool name, which are the caller's own text: a 1 MB id
 * (or method, or tool name not offered) made a 1 MB line, one per request, that a log shipper splits or drops.
 */
export const AUDIT_NAME_CHARS = 128;

/** `text` as a line keeps it: whole up to AUDIT_NAME_CHARS, else its start and "…". */
export function auditName(text: string): string {
  return text.length > AUDIT_NAME_CHARS ? `${cutAt(text, AUDIT_NAME_CHARS - 1)}…` : text;
}

/** `request_id`: the HTTP request's id (or `stdio`), then the JSON-RPC id as auditName keeps it. */
export function auditRequestId(httpId: string, rpcId: string | number): string {
  return `${httpId}/${auditName(String(rpcId))}`;
}

/** The client address of a request that reached a server (access-admit.ts puts it in the AuthInfo); null on stdio. */
export function auditAddress(authInfo: AuthInfo | undefined): string | null {
  return (authInfo?.extra?.clientAddress as string | undefined) ?? null;
}

/** The caller, as audit lines name it. */
export function auditCaller(caller: Caller | undefined): AuditEntry["caller"] {
  if (!caller) return null;
  return { sub: caller.sub ?? null, client_id: caller.clientId ?? null, token_name: caller.tokenName ?? null };
}

/**
 * A call's arguments as the trail keeps them, secrets removed first — values under secret-looking keys, URLs' query
 * secrets and user:password parts, and whatever `redact` (the server's own redactor, e.g. the HTTP server's
 * credentials) knows: the SHA-256 of that masked JSON (to match a call against a known input; computed after masking,
 * so a short secret cannot be guessed from it offline), and its first 200 characters as a preview. Arguments nested
 * too deep to write out (RangeError) keep no digest, and the preview says how deep they nest.
 */
export function argsDigest(
  args: unknown,
  redact: (text: string) => string = (text) => text,
): { args_sha256: string | null; args_preview: string } {
  let json: string;
  try {
    json = JSON.stringify(args ?? {}, (key, value) => {
      if (key && SECRET_KEY.test(key) && value !== null) return "[redacted]";
      return typeof value === "string" ? withoutUserinfo(withoutQuerySecrets(value)) : value;
    });
  } catch (error) {
    // Nested too deep for JSON.stringify's recursion (thousands of levels): the line says so, the call goes on.
    if (!(error instanceof RangeError)) throw error;
    return { args_sha256: null, args_preview: `[not written out: the arguments nest ${jsonDepth(args)} levels deep]` };
  }
  const masked = redact(json);
  return {
    args_sha256: createHash("sha256").update(masked).digest("hex"),
    args_preview: masked.length > ARGS_PREVIEW_CHARS ? `${cutAt(masked, ARGS_PREVIEW_CHARS - 1)}…` : masked,
  };
}

/** The first `length` UTF-16 units of `text`, one fewer rather than half an emoji. */
function cutAt(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/** The audit line for a finished tool call. */
export function toolCallEntry(call: ToolCallRecord): AuditEntry {
  const requestId = (call.authInfo?.extra?.requestId as string | undefined) ?? "stdio";
  return {
    ts: new Date().toISOString(),
    request_id: auditRequestId(requestId, call.rpcId),
    caller: auditCaller(callerOf(call.authInfo)),
    client_address: auditAddress(call.authInfo),
    method: "tools/call",
    tool: auditName(call.tool),
    ...argsDigest(call.args, call.redact),
    ...outcomeOf(call),
    duration_ms: Math.round(call.durationMs),
    bytes: Buffer.byteLength(JSON.stringify(call.result)),
  };
}

/** How a call ended, and why when it did not end well. */
function outcomeOf(call: ToolCallRecord): Pick<AuditEntry, "outcome" | "reason"> {
  if (call.asked) return { outcome: "asked", reason: null };
  const first = call.result.content?.[0];
  const text = first?.type === "text" ? first.text : "";
  if (call.cancelled) {
    // The tool's own word on it says how far it got: a note (a search: the entries it had seen), or its error.
    const lines = text.split("\n");
    const note = lines.find((line) => line.startsWith(`[${CANCELLED_BY_CLIENT}`))?.slice(1, -1);
    const error = call.result.isError && lines[0]?.includes(CANCELLED_BY_CLIENT) ? lines[0] : undefined;
    return { outcome: "cancelled", reason: (note ?? error ?? CANCELLED_BY_CLIENT).slice(0, 300) };
  }
  if (!call.result.isError) return { outcome: "ok", reason: null };
  return { outcome: "error", reason: first?.type === "text" ? (text.split("\n")[0] ?? "").slice(0, 300) : null };
}

/**
 * Open the trail: `"stderr"`, or a file path appended to (created if missing; a path that cannot be opened throws
 * now, at start-up). A write that fails later is reported to `onError`, and the server goes on.
 */
export function openAuditLog(target: string, onError: (error: Error) => void = () => {}): AuditLog {
  if (target === "stderr") {
    const write = (entry: AuditEntry) => void process.stderr.write(`${JSON.stringify(entry)}\n`);
    return {
      write,
      toolCall: (call) => write(toolCallEntry(call)),
      reopen: () => false,
      close: async () => {},
    };
  }
  // Opened synchronously, so that a path that cannot be opened is known at once: at start-up it throws, on a reopen
  // the file open before stays in use.
  const open = (fd = openSync(target, "a")) => createWriteStream(target, { fd }).on("error", onError);
  const finish = (s: WriteStream) => new Promise<void>((resolve) => s.end(resolve));
  let stream: WriteStream = open();
  // While the old file is being closed, lines wait here, so none lands before one written earlier.
  let held: string[] | undefined;
  let reopening: Promise<void> = Promise.resolve();
  const write = (entry: AuditEntry) => {
    const line = `${JSON.stringify(entry)}\n`;
    if (held) held.push(line);
    else stream.write(line);
  };
  return {
    write,
    toolCall: (call) => write(toolCallEntry(call)),
    reopen() {
      if (held) return true;
      let fd: number;
      try {
        fd = openSync(target, "a");
      } catch (error) {
        onError(
          new Error(
            `cannot reopen ${target} (${(error as Error).message}); lines go on to the file open before, where logrotate moved it, and are lost if logrotate compresses or removes that file before a SIGHUP succeeds (use delaycompress): let this server create files in ${dirname(target)} (its permissions) and send SIGHUP again`,
          ),
        );
        return false;
      }
      held = [];
      reopening = finish(stream).then(() => {
        stream = open(fd);
        for (const line of held ?? []) stream.write(line);
        held = undefined;
      });
      return true;
    },
    close: async () => {
      await reopening;
      await finish(stream);
    },
  };
}
