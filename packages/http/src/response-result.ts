// A fetched response as a tool result: status line, the headers worth showing, one page of the body, and notes on
// how to read on. Pure: the server's settings come in as arguments.
import { fail, ok, plural, type SettingNames } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { codePointCount, unitOffset } from "./code-points.js";
import { brokenAdvice } from "./fetch-advice.js";
import type { FetchResponse } from "./fetch-request.js";
import { isIdempotent } from "./outgoing-request.js";
import { pageFences } from "./page-fences.js";
import { overLimitNote, type PageLength } from "./page-length.js";
import { boundHeaders, boundUrlLine, headerLineChars, MAX_SHOWN_HEADER_CHARS, shownHeaders } from "./shown-headers.js";

/** What presenting a response needs of its server. */
export interface PresentSettings {
  /** Replaces credential values with "[redacted]". */
  redact: (text: string) => string;
  /** The most characters of body text one result carries. */
  maxLengthLimit: number;
  /** The read limit a cut body stopped at. */
  maxResponseBytes: number;
  /** The time limit a body cut off mid-read ran out of. */
  timeoutMs: number;
  settingNames: SettingNames;
}

/**
 * Status line, chosen headers, one page of the (already redacted) body text, and notes on how to read on. `method`
 * is the one the call sent: reading on means sending it again, which is offered only for an idempotent method.
 * `allHeaders` shows every response header but Set-Cookie, instead of the chosen few. `sentRange` is the call's own
 * Range header, which tells a cut body's note whether the upstream serves ranges at all. `markdown` (HTML converted)
 * closes a code block the page cuts and reopens it on the next, outside the characters counted (see pageFences).
 * `rawHtml` is HTML shown as sent though the call asked for markdown (no time to convert it): reading on takes
 * `raw: true`, or the next page would be cut from the markdown, whose characters count differently. `asSentChars` is
 * the length of JSON shown re-indented as it was sent: a first page says when `raw: true` pages it in fewer pages.
 */
export function presentResponse(
  settings: PresentSettings,
  response: FetchResponse,
  text: string,
  startIndex: number,
  { length: maxLength, overLimit }: PageLength,
  method: string,
  allHeaders = false,
  sentRange?: string,
  markdown = false,
  rawHtml = false,
  asSentChars?: number,
): CallToolResult {
  const repeatable = isIdempotent(method);
  // Stopping once the page was in hand is not a limit: paging reads on.
  const cut = response.cut && response.cut !== "enough" ? cutNote(settings, response, method, sentRange) : undefined;
  const capNote = cut?.note ?? "";
  // Positions count code points, so a page never holds half a surrogate pair and an emoji is one character.
  const total = codePointCount(text);
  if (startIndex > 0 && startIndex >= total) {
    const why = cut
      ? `start_index ${startIndex} is past the ${total} characters read`
      : `start_index ${startIndex} is past the end of the body (${total} characters)`;
    return fail(capNote ? `${why}; ${capNote}` : why);
  }
  const last = Math.min(total, startIndex + maxLength);
  const start = unitOffset(text, startIndex);
  const end = unitOffset(text, last);
  const page = text.slice(start, end);
  // The text shows the fences; structuredContent's body stays the exact slice, so pages joined are the body.
  const fences = markdown ? pageFences(text, start, end) : { before: "", after: "" };
  const next = last < total && repeatable ? last : undefined;
  const chosen = shownHeaders(response.headers, method, allHeaders, settings.settingNames("credentials"));
  // Redacted before they are bounded: a value cut first could leave a secret's start unredacted.
  const redacted = Object.fromEntries(
    Object.entries(chosen.shown).map(([name, value]) => [name, settings.redact(value)]),
  );
  // The final URL a redirect chose shares the headers' bound: it is the upstream's text as much as they are.
  const url =
    response.redirects > 0
      ? boundUrlLine(settings.redact(response.url), response.redirects, headerLineChars(redacted))
      : undefined;
  const bounded = boundHeaders(redacted, MAX_SHOWN_HEADER_CHARS, url?.chars);
  const { shown } = bounded;
  const lines = [`HTTP ${response.status} ${response.statusText}`.trimEnd()];
  if (url) lines.push(url.line);
  if (response.retries > 0) lines.push(`retried: ${response.retries}`);
  for (const [name, value] of Object.entries(shown)) lines.push(`${name}: ${value}`);
  if (url?.note) lines.push(url.note);
  if (bounded.note) lines.push(bounded.note);
  if (chosen.withheld) lines.push(chosen.withheld);
  // A cut body's length is unknown to us: its text length is only what was read, never presented as the whole. A
  // page read only as far as it needed says how long the upstream said the whole body is, when it said.
  const declared = response.cut === "enough" ? declaredLength(response) : undefined;
  const whole = declared ? `, of a body of ${declared.bytes} bytes${declared.encoding}` : "";
  const of = response.cut ? `of the first ${total} read${whole}` : `of ${total}`;
  // A page already at the ceiling cannot grow: suggesting a larger max_length would only send the write again.
  const larger =
    maxLength < settings.maxLengthLimit
      ? `, or send the ${method} once with http_request and max_length up to ${settings.maxLengthLimit}`
      : "";
  const paging =
    last >= total
      ? ""
      : next !== undefined
        ? `[showing characters ${startIndex}-${next} ${of}; call http_request with ${rawHtml || allHeaders ? "raw: true and " : ""}start_index=${next} for more${startIndex === 0 ? fewerPagesRaw(total, asSentChars, maxLength) : ""}]`
        : `[showing characters ${startIndex}-${last} ${of}; the rest was not kept, and start_index would send the ${method} again (it may write twice). For the whole reply, ask the API for a smaller one with its own paging or filter parameters${larger}]`;
  // Said only when the ceiling shortened this page; a short body fits whatever max_length asked for.
  const limitNote =
    overLimit !== undefined && last < total
      ? overLimitNote(overLimit, settings.maxLengthLimit, last - startIndex, settings.settingNames("maxLengthLimit"))
      : "";
  const out = [lines.join("\n"), `${fences.before}${page}${fences.after}`, limitNote, paging, capNote]
    .filter((part) => part !== "")
    .join("\n\n");
  // The status line and URL come from the upstream too, so the whole text is redacted once more.
  return ok(settings.redact(out), {
    status: response.status,
    url: url?.url ?? settings.redact(response.url),
    headers: shown,
    body: page,
    ...(next !== undefined ? { next_start_index: next } : {}),
    ...(cut ? { truncated: true, ...(cut.length !== undefined ? { content_length: cut.length } : {}) } : {}),
  });
}

/**
 * Re-indented JSON takes more characters than it was sent in (2,000 small objects: 80,781 as sent, 128,782 shown): when
 * it is sent in fewer pages of `pageLength`, how `raw: true` reads it so; "" otherwise (an upstream's own wider indent).
 */
function fewerPagesRaw(shownChars: number, asSentChars: number | undefined, pageLength: number): string {
  if (asSentChars === undefined) return "";
  const shownPages = Math.ceil(shownChars / pageLength);
  const rawPages = Math.ceil(asSentChars / pageLength);
  if (rawPages >= shownPages) return "";
  return `, or from start_index=0 with raw: true for the JSON as sent, not re-indented: ${asSentChars} characters, ${plural(rawPages, "page")} of ${pageLength} rather than ${shownPages}`;
}

/**
 * What to say about a cut body: which limit (or the broken connection) cut it where, how long the upstream said it
 * was, how to get the rest.
 */
function cutNote(
  settings: PresentSettings,
  response: FetchResponse,
  method: string,
  sentRange: string | undefined,
): { note: string; length: number | undefined } {
  const repeatable = isIdempotent(method);
  const read = response.cut === "read-limit" ? settings.maxResponseBytes : response.body.length;
  // A 206 is the range asked for: the rest starts where it began plus what was read, not at the bytes read.
  const from =
    response.status === 206 ? Number(/^\s*bytes\s+(\d+)-/i.exec(response.headers["content-range"] ?? "")?.[1] ?? 0) : 0;
  const length = declaredLength(response);
  const declared = length?.bytes;
  const size =
    length === undefined
      ? "its full length is unknown (no Content-Length)"
      : `the upstream's Content-Length is ${length.bytes} bytes${length.encoding}`;
  // A Range request for the rest would be the same non-idempotent request sent again. A range counts the bytes as
  // sent, compressed, while `read` counts decoded ones: for a compressed body the rest is asked for uncompressed.
  const coding = wireCoding(response);
  // An event stream never ends, and a long poll that sent nothing has nothing to range over: a later call is the rest.
  const stream = /^\s*text\/event-stream\b/i.test(response.headers["content-type"] ?? "");
  const idle = response.cut === "time-limit" && read === 0;
  // An upstream that answered a Range with the whole body would answer the next one so too: advice to send one loops.
  const rest = !repeatable
    ? ""
    : stream
      ? "; an event stream does not end, so there is no rest to read: call again for the events sent since (with a Last-Event-ID header naming the last id: shown, if the stream numbers its events)"
      : idle
        ? "; the upstream answered but had sent nothing more by then (a long poll, or a stream with nothing new yet): call again, or ask the API to wait less with its own timeout or wait parameter"
        : sentRange !== undefined && response.status !== 206
          ? `; the upstream ignored the Range header sent (${sentRange}) and answered ${response.status} with the body from its start, so it serves no ranges: for the rest, ask the API for less with its own paging or filter parameters`
          : coding
            ? `; for the rest send headers Range: bytes=${from + read}- and Accept-Encoding: identity (a range counts bytes as sent, and these were ${coding}-compressed)`
            : `; send a header like Range: bytes=${from + read}- for the rest`;
  const where =
    response.cut === "time-limit"
      ? `body cut off by the ${settings.timeoutMs} ms time limit, set by ${settings.settingNames("timeoutMs")}, after ${read} bytes${idle || stream ? "" : stillSending(response, settings.settingNames)}; truncated, the rest was not read`
      : response.cut === "connection"
        ? `body incomplete: the connection to ${new URL(response.url).host} broke after ${read} bytes of it had arrived; truncated, the rest was not read`
        : `body cut at the ${read}-byte read limit, set by ${settings.settingNames("maxResponseBytes")}: truncated, the rest was not read`;
  // Whether the request may be sent again, as the error for a connection that broke before any body arrived says.
  const again = response.cut === "connection" ? `; ${brokenAdvice(method, "reading the response body")}` : "";
  const note = `[${where}; ${size}${rest}${again}]`;
  return { note, length: declared };
}

/**
 * Why a body was still being read at the time limit: the upstream was still sending it, or, when the call waited
 * for room to read it (the body budget), that wait may have taken the time instead.
 */
function stillSending(response: FetchResponse, names: SettingNames): string {
  if (response.bodyWaitMs === undefined) return ": the upstream was still sending";
  return `, having waited ${response.bodyWaitMs} ms of it for room to read the body (the body bytes all calls in flight may hold at once, set by ${names("maxBufferedBytes")})`;
}

/** The body's length as the upstream declared it (Content-Length), and how it was compressed on the wire. */
function declaredLength(response: FetchResponse): { bytes: number; encoding: string } | undefined {
  const value = response.headers["content-length"]?.trim() ?? "";
  if (!/^\d+$/.test(value)) return undefined;
  const coding = wireCoding(response);
  return { bytes: Number(value), encoding: coding ? ` (${coding}-compressed)` : "" };
}

/** The Content-Encoding the body was compressed with on the wire; none for `identity`, which is no compression. */
function wireCoding(response: FetchResponse): string | undefined {
  const coding = response.headers["content-encoding"]?.trim();
  return coding && !/^identity$/i.test(coding) ? coding : undefined;
}
