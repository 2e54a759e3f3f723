import {
  type ConfirmMode,
  fail,
  ok,
  plural,
  refuse,
  type SettingNames,
  type ToolCall,
  unconfirmed,
} from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { FetchError, type FetchErrorKind, type Progress } from "./fetch-errors.js";
import type { Fetcher, FetchRequest, FetchResponse } from "./fetcher.js";
import { overLimitNote, type PageLength, pageLength } from "./page-length.js";
import type { BodyRenderer } from "./render.js";
import { checkUrl, parseTarget } from "./url-policy.js";

/** What every tool handler needs, built once per server. */
export interface ToolContext {
  fetcher: Fetcher;
  renderer: BodyRenderer;
  readOnly: boolean;
  /** Replaces credential values with "[redacted]"; `cut` also redacts a secret's start left at the end. */
  redact: (text: string, cut?: boolean) => string;
  /** Characters of body text per result unless the call asks otherwise. */
  defaultMaxLength: number;
  /** The most characters of body text one result carries, whatever the call asks. */
  maxLengthLimit: number;
  /** How refusals name settings: the bin's flags, or the library's options. */
  settingNames: SettingNames;
  /** `destructive`: a DELETE asks the user first. */
  confirm: ConfirmMode;
}

/** One call as a tool describes it. */
export interface Exchange {
  method: string;
  url: string;
  headers?: Record<string, string> | undefined;
  params?: Record<string, string> | undefined;
  /** A string is sent verbatim; any other JSON value is serialised. */
  body?: unknown;
  maxLength?: number | undefined;
  startIndex?: number | undefined;
  raw?: boolean | undefined;
}

/** Response headers worth showing; the rest are noise for a model. */
const SHOWN_HEADERS = [
  "content-type",
  "content-length",
  "content-range",
  "location",
  "retry-after",
  "etag",
  "last-modified",
  "www-authenticate",
  "link",
];
const SHOWN_PREFIXES = ["ratelimit", "x-ratelimit"];

/** Headers the client manages itself; a model setting them would corrupt the framing. */
const MANAGED_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-connection",
]);

/** Shared zod fields, so the three tools describe them identically. */
export const fields = {
  url: z.string().describe("http(s) URL"),
  // catchall rather than record: the same validation, without a propertyNames clause in the listed schema.
  headers: z.object({}).catchall(z.string()).optional().describe("Headers"),
  // Numbers and booleans are accepted and stringified; the schema lists strings only, which is shorter.
  params: z.object({}).catchall(z.coerce.string()).optional().describe("Query params"),
  // Any JSON value, spelled as one schema per kind: some clients take a single type per property.
  body: z
    .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
    .describe("JSON; strings sent as-is"),
};

/** The structured result every tool returns. */
export const responseShape = {
  status: z.number(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  next_start_index: z.number().optional(),
  // Paging reaches only what was read: the model must know the body went on past the read limit.
  truncated: z.boolean().optional().describe("Body cut at the read limit; more exists upstream"),
  content_length: z.number().optional().describe("Upstream's Content-Length, when cut"),
};

/** The fetch failures that are a policy's or a limit's refusal, by the cause the stats resource counts them under. */
const REFUSAL_CAUSES: Partial<Record<FetchErrorKind, string>> = {
  refused: "address_policy",
  "rate-limited": "rate_limited",
  timeout: "timeout",
};

/** Run one exchange: validate, fetch through the policy, render, page, redact. */
export async function runExchange(ctx: ToolContext, call: Exchange, tool: ToolCall): Promise<CallToolResult> {
  const prepared = prepare(ctx, call);
  if ("error" in prepared) {
    const message = ctx.redact(prepared.error);
    return prepared.cause ? refuse(message, prepared.cause) : fail(message);
  }
  const { request } = prepared;
  // Ask about a DELETE the policy would let through (a refused one is refused without bothering the user).
  if (ctx.confirm === "destructive" && request.method === "DELETE" && checkUrl(request.url, ctx.fetcher.options).ok) {
    const target = ctx.redact(request.url.href);
    const answer = await tool.confirm(`Send DELETE ${target}? The resource at that URL may be removed for good.`);
    const refused = unconfirmed(answer, `DELETE ${target}`, ctx.settingNames("confirm", "destructive"));
    if (refused) return refused;
  }
  // The deadline covers the whole call: fetching and then rendering, which stops between pieces when it passes.
  const { timeoutMs } = ctx.fetcher.options;
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    let state: Readonly<Progress> = { phase: "connecting", bytes: 0 };
    const response = await tool.progress.during(
      ctx.fetcher.fetch(request, tool.signal, (live) => {
        state = live;
      }),
      (seconds) => `${state.phase} (${state.bytes} bytes received, ${seconds} s)`,
    );
    const rendered = await ctx.renderer.render(response.body, response.headers["content-type"], {
      raw: call.raw ?? false,
      cut: response.cut,
      signal: AbortSignal.any([tool.signal, deadline]),
    });
    return present(
      ctx,
      response,
      ctx.redact(rendered.text, response.cut),
      call.startIndex ?? 0,
      pageLength(call.maxLength, ctx.defaultMaxLength, ctx.maxLengthLimit),
    );
  } catch (error) {
    if (error instanceof FetchError) {
      const message = ctx.redact(error.message);
      const cause = REFUSAL_CAUSES[error.kind];
      return cause ? refuse(message, cause) : fail(message);
    }
    if (deadline.aborted && !tool.signal.aborted) {
      return refuse(
        `timed out after ${timeoutMs} ms converting the HTML body to text, the time limit set by ${ctx.settingNames("timeoutMs")}; retry with raw: true on http_request for the unconverted HTML`,
        "timeout",
      );
    }
    throw new Error(ctx.redact(error instanceof Error ? error.message : String(error)));
  }
}

/** Check the call and build the request, or say what is wrong with it. Nothing is sent. */
function prepare(ctx: ToolContext, call: Exchange): { request: FetchRequest } | { error: string; cause?: string } {
  const method = call.method.toUpperCase();
  if (ctx.readOnly && method !== "GET" && method !== "HEAD") {
    return {
      error: `refused: ${method} is disabled in read-only mode, set by ${ctx.settingNames("readOnly")}; only GET and HEAD are allowed`,
      cause: "read_only",
    };
  }
  const parsed = parseTarget(call.url);
  if (!parsed.ok) return { error: parsed.reason };
  const url = parsed.url;
  for (const [name, value] of Object.entries(call.params ?? {})) url.searchParams.append(name, String(value));

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    const lower = name.toLowerCase();
    if (MANAGED_HEADERS.has(lower))
      return { error: `header "${name}" is set by the client itself; remove it and retry` };
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower)) return { error: `header name "${name}" is not a valid HTTP token` };
    if (/[\r\n\0]/.test(value)) return { error: `header "${name}" contains a line break or NUL; remove it` };
    headers[lower] = value;
  }
  if (call.body === undefined || call.body === null) return { request: { method, url, headers } };
  if (method === "GET" || method === "HEAD") return { error: `${method} cannot carry a body; use POST, PUT or PATCH` };
  const body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
  headers["content-type"] ??= typeof call.body === "string" && !isJson(call.body) ? "text/plain" : "application/json";
  return { request: { method, url, headers, body } };
}

/** Status line, chosen headers, one page of the (already redacted) body, and notes on how to read on. */
function present(
  ctx: ToolContext,
  response: FetchResponse,
  text: string,
  startIndex: number,
  { length: maxLength, overLimit }: PageLength,
): CallToolResult {
  const cut = response.cut ? cutNote(ctx, response) : undefined;
  const capNote = cut?.note ?? "";
  if (startIndex > 0 && startIndex >= text.length) {
    const why = cut
      ? `start_index ${startIndex} is past the ${text.length} characters read`
      : `start_index ${startIndex} is past the end of the body (${text.length} characters)`;
    return fail(capNote ? `${why}; ${capNote}` : why);
  }
  let end = Math.min(text.length, startIndex + maxLength);
  // Never split a surrogate pair across pages.
  if (end < text.length && end > startIndex + 1 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  const page = text.slice(startIndex, end);
  const next = end < text.length ? end : undefined;
  const shown = Object.fromEntries(
    Object.entries(response.headers)
      .filter(([name]) => SHOWN_HEADERS.includes(name) || SHOWN_PREFIXES.some((p) => name.startsWith(p)))
      .map(([name, value]) => [name, ctx.redact(value)]),
  );
  const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()];
  if (response.redirects > 0) {
    const hops = plural(response.redirects, "redirect");
    lines.push(`url: ${response.url} (after ${hops})`);
  }
  if (response.retries > 0) lines.push(`retried: ${response.retries}`);
  for (const [name, value] of Object.entries(shown)) lines.push(`${name}: ${value}`);
  // A cut body's length is unknown to us: its text length is only what was read, never presented as the whole.
  const of = cut ? `of the first ${text.length} read` : `of ${text.length}`;
  const paging =
    next !== undefined
      ? `[showing characters ${startIndex}-${next} ${of}; call http_request with start_index=${next} for more]`
      : "";
  // Said only when the ceiling shortened this page; a short body fits whatever max_length asked for.
  const limitNote =
    overLimit !== undefined && next !== undefined
      ? overLimitNote(overLimit, ctx.maxLengthLimit, page.length, ctx.settingNames("maxLengthLimit"))
      : "";
  const out = [lines.join("\n"), page, limitNote, paging, capNote].filter((part) => part !== "").join("\n\n");
  // The status line and URL come from the upstream too, so the whole text is redacted once more.
  return ok(ctx.redact(out), {
    status: response.status,
    url: ctx.redact(response.url),
    headers: shown,
    body: page,
    ...(next !== undefined ? { next_start_index: next } : {}),
    ...(cut ? { truncated: true, ...(cut.length !== undefined ? { content_length: cut.length } : {}) } : {}),
  });
}

/** What to say about a body cut at the read limit: where it was cut, and how long the upstream said it was. */
function cutNote(ctx: ToolContext, response: FetchResponse): { note: string; length: number | undefined } {
  const cap = ctx.fetcher.options.maxResponseBytes;
  const declared = /^\d+$/.test(response.headers["content-length"]?.trim() ?? "")
    ? Number(response.headers["content-length"])
    : undefined;
  const encoding = response.headers["content-encoding"];
  const size =
    declared === undefined
      ? "its full length is unknown (no Content-Length)"
      : `the upstream's Content-Length is ${declared} bytes${encoding ? ` (${encoding}-compressed)` : ""}`;
  const note = `[body cut at the ${cap}-byte read limit, set by ${ctx.settingNames("maxResponseBytes")}: truncated, the rest was not read; ${size}; send a header like Range: bytes=${cap}- for the rest]`;
  return { note, length: declared };
}

function isJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
