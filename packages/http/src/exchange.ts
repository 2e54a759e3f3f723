import { type ConfirmMode, fail, refuse, type SettingNames, type ToolCall, unconfirmed } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { holdBody } from "./body-hold.js";
import type { BudgetGate } from "./budget-gate.js";
import {
  credentialNote,
  encodedParamsNote,
  leftNote,
  madeGetNote,
  retryNote,
  unconvertedNote,
  unfollowed,
  withheld,
} from "./exchange-notes.js";
import { FetchError, type FetchErrorKind, type Progress } from "./fetch-errors.js";
import type { Fetcher } from "./fetch-request.js";
import { actedMethods, buildRequest, type Exchange, effectiveMethod } from "./outgoing-request.js";
import { bytesForChars, pageLength, shownAsRead } from "./page-length.js";
import type { BodyRenderer } from "./render.js";
import { presentResponse } from "./response-result.js";
import { SCRIPT_SHELL_NOTE } from "./script-shell.js";
import { checkUrl } from "./url-policy.js";

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
  /** The body bytes all calls in flight may hold at once, from reading to result (memory-budget.ts). */
  bodies: BudgetGate;
}

/** Shared zod fields, so the three tools describe them identically. */
export const fields = {
  url: z.string().describe("http(s) URL"),
  // catchall rather than record: the same validation, without a propertyNames clause in the listed schema. Numbers and
  // booleans ({"X-Page": 2}) are stringified, as params' are, rather than costing a round trip to quote them.
  headers: z.object({}).catchall(z.preprocess(scalarText, z.string())).optional().describe("Headers"),
  // Numbers and booleans are accepted and stringified; the schema lists strings only, which is shorter. An array is
  // refused rather than comma-joined: a repeated key is written in the URL itself. "Decoded": each value is encoded
  // when sent, so an already encoded one (a cursor copied from a URL) would be encoded twice.
  params: z
    .object({})
    .catchall(z.preprocess(scalarText, z.string({ error: (issue) => paramAdvice(issue.input) })))
    .optional()
    .describe("Decoded query params"),
  // Any JSON value, spelled as one schema per kind: some clients take a single type per property.
  // Only a missing body fails the union, which zod would call just "Invalid input".
  body: z
    .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())], {
      error: "required, and missing: give the JSON to send, or null to send no body",
    })
    .describe("JSON; strings sent as-is"),
};

/** A number or boolean as the text an HTTP message carries; anything else as given, for the schema to judge. */
function scalarText(value: unknown): unknown {
  return typeof value === "number" || typeof value === "boolean" ? String(value) : value;
}

/** Why a query param was refused, for what was given: advice on repeated keys fits only an array. */
function paramAdvice(input: unknown): string {
  if (Array.isArray(input)) return "a query param is one string; write a repeated key in the url itself (?tag=a&tag=b)";
  if (input === null) return "a query param is one string, and null is none; leave the param out to send nothing";
  if (typeof input === "object") {
    return 'a query param is one string, not an object; write the nested key as the API spells it, e.g. params {"o[k]": "1"} or {"o.k": "1"}, or the object as JSON text if the API takes that';
  }
  return "a query param is one string (numbers and booleans are stringified)";
}

/** The structured result every tool returns. */
export const responseShape = {
  status: z.number(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  next_start_index: z.number().optional(),
  // Paging reaches only what was read: the model must know the body went on past the read limit.
  truncated: z.boolean().optional().describe("Body cut short by a limit; more exists upstream"),
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
  const prepared = buildRequest(call, ctx.readOnly, ctx.settingNames);
  if ("error" in prepared) {
    const message = ctx.redact(prepared.error);
    return prepared.cause ? refuse(message, prepared.cause) : fail(message);
  }
  const { request } = prepared;
  const page = pageLength(call.maxLength, ctx.defaultMaxLength, ctx.maxLengthLimit);
  const startIndex = call.startIndex ?? 0;
  // A GET's body shown as read need not be read past this page: paging sends the GET again for the next one.
  if (actedMethods(request).every((method) => method === "GET")) {
    const enough = bytesForChars(startIndex + page.length);
    request.enoughBytes = (headers) => (shownAsRead(headers["content-type"], call.raw ?? false) ? enough : undefined);
  }
  // Ask about a DELETE the policy would let through (a refused one is refused without bothering the user).
  // A method-override header naming DELETE asks too: the APIs that read it delete. So does a DELETE whose header
  // names another method: the APIs that do not read it delete.
  if (
    ctx.confirm === "destructive" &&
    actedMethods(request).includes("DELETE") &&
    checkUrl(request.url, ctx.fetcher.options).ok
  ) {
    const target = ctx.redact(request.url.href);
    const answer = await tool.confirm(`Send DELETE ${target}? The resource at that URL may be removed for good.`);
    const refused = unconfirmed(answer, `DELETE ${target}`, ctx.settingNames);
    if (refused) return refused;
    request.confirmed = true;
  }
  // The deadline covers the whole call: fetching and then rendering, which stops between pieces when it passes.
  const { timeoutMs } = ctx.fetcher.options;
  const deadline = AbortSignal.timeout(timeoutMs);
  const holding = ctx.bodies.hold();
  request.holdBody = holdBody(ctx, request, holding, tool.signal);
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
      cut: response.cut !== false,
      stoppedAtPage: response.cut === "enough",
      url: response.url,
      signal: tool.signal,
      deadline,
    });
    const { image } = rendered;
    // An image is sent whole, another binary summarised in a line: there is no body text to page through.
    const unpaged = image !== undefined || rendered.kind === "binary";
    if (unpaged && startIndex > 0) {
      const answer = image ? `${image.mimeType}, sent whole as image content` : "a binary body, summarised, not shown";
      return fail(
        `start_index ${startIndex} pages a text body, and ${ctx.redact(response.url)} answered with ${answer}: call again without start_index`,
      );
    }
    const result = presentResponse(
      { ...ctx, maxResponseBytes: ctx.fetcher.options.maxResponseBytes, timeoutMs },
      response,
      ctx.redact(rendered.text, response.cut !== false),
      startIndex,
      unpaged ? { length: rendered.text.length } : page,
      effectiveMethod(request),
      call.raw ?? false,
      request.headers.range,
      rendered.kind === "html",
      rendered.unconverted && !call.raw,
      rendered.asSentChars,
    );
    const late = unconvertedNote(rendered, timeoutMs, ctx.settingNames);
    // The whole page is one switch away: raw shows the HTML as sent (a second field would cost every conversation).
    const chrome = rendered.mainContent
      ? `[Main content only: the page marks its main content with ${rendered.mainContent}, so that is shown; its navigation, site header and footer, sidebars and banners were left out. For the whole page, call http_request with raw: true (the HTML as sent, unconverted).]`
      : "";
    // Browsers follow a <meta> refresh; a model reading "Redirecting…" would not know where to.
    const refresh = rendered.refresh
      ? `[This page redirects to ${ctx.redact(rendered.refresh)} with <meta http-equiv="refresh">, which browsers follow and this tool does not: call http_get on that URL for the page it points to.]`
      : "";
    const note = [
      rendered.note ?? "",
      late,
      refresh,
      rendered.scriptShell ? SCRIPT_SHELL_NOTE : "",
      chrome,
      unfollowed(request, response, ctx.redact),
      madeGetNote(response, ctx.redact),
      retryNote(request, response, { ...ctx.fetcher.options, timeoutMs }),
      withheld(ctx.fetcher.options.credentials, response),
      leftNote(response, ctx.redact),
      credentialNote(ctx.fetcher.options.credentials, request, response, ctx.settingNames("credentials")),
      encodedParamsNote(call.params, ctx.redact),
    ]
      .filter(Boolean)
      .join("\n\n");
    const shown = note ? withNote(result, note) : result;
    // Over the image limit, as the filesystem server's read_file: an isError refusal the stats count under its cause.
    if (rendered.refusal && !shown.isError) return refuse(textOf(shown), rendered.refusal);
    return image && !shown.isError ? { ...shown, content: [...shown.content, { type: "image", ...image }] } : shown;
  } catch (error) {
    if (error instanceof FetchError) {
      const message = ctx.redact(error.message);
      const cause = REFUSAL_CAUSES[error.kind];
      return cause ? refuse(message, cause) : fail(message);
    }
    throw new Error(ctx.redact(error instanceof Error ? error.message : String(error)));
  } finally {
    holding.release();
  }
}

/** A result's text, for a refusal that says all it did. */
function textOf(result: CallToolResult): string {
  return result.content.flatMap((item) => (item.type === "text" ? [item.text] : [])).join("\n\n");
}

/** The result with a note after its text, on every page, outside the body a program might parse. */
function withNote(result: CallToolResult, note: string): CallToolResult {
  const [first, ...rest] = result.content;
  if (result.isError || first?.type !== "text") return result;
  return { ...result, content: [{ ...first, text: `${first.text}\n\n${note}` }, ...rest] };
}
