// Whether multipart text given as written is one its receiver can cut into parts, or what is wrong and where. Pure.
// RFC 2046 §5.1.1 (common to every multipart type): a body is an optional preamble, then parts, each after a line
// `--boundary`, each its header lines, an empty line and its content, then a closing line `--boundary--`; every one
// of those line breaks is CRLF. Strict parsers (undici's, behind Node's Request.formData) reject bare LFs and a body
// that never closes, so the upstream answers 400 or drops fields; this says so before anything is sent. Linear in
// the text: each search starts where the last stopped, and the first fault ends the walk.
import { cutIndex } from "@mcp-toolkit/core";
import { mediaParameters, mediaType } from "./media-type.js";

const NOTHING_SENT = "nothing was sent";
/** How the lines multipart needs to end in CRLF are ended, as the bare-LF refusals say it. */
const CRLF_LINES =
  "each part's header lines and the empty line after them with \\r\\n (a part's content may hold bare LFs); bytes written are never changed here";
/** The strict form parser many upstreams use, behind Request.formData() in Node 20 and 22. */
const UNDICI_6 = "Node's built-in form parser (undici 6, in Node 20 and 22)";

/**
 * Why multipart `text` would not reach the upstream as the parts it was written as under `boundary`, or undefined.
 * `formData`: each part must also name its field (RFC 7578 §4.2), as receivers drop or refuse a part without one.
 */
export function malformedMultipart(text: string, boundary: string, formData: boolean): string | undefined {
  const dash = `--${boundary}`;
  const delimiter = `\r\n${dash}`;
  let at = text.startsWith(dash) ? 0 : text.indexOf(delimiter);
  if (at > 0) at += 2;
  // A boundary line after a bare LF, before the first after a CRLF, is one meant to start the first part.
  const bare = at === 0 ? -1 : text.indexOf(`\n${dash}`);
  if (bare >= 0 && (at < 0 || bare < at - 1)) return boundaryAfterLf(text, bare, dash);
  if (at < 0) return unparted(text, boundary, formData);
  if (formData && at > 0) {
    return `the multipart/form-data body has text before its first boundary line (line ${lineOf(text, at)}, ${dash}), a preamble that RFC 2046 has receivers ignore but ${UNDICI_6} refuses the whole form for; ${NOTHING_SENT}. Start the body with the line ${dash}`;
  }
  for (let part = 1; ; part++) {
    const after = at + dash.length;
    const close = text.startsWith("--", after);
    const lineEnd = text.indexOf("\n", after);
    const restEnd = lineEnd < 0 ? text.length : text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const rest = close ? after + 2 : after;
    let padding = rest;
    while (padding < restEnd && (text.charCodeAt(padding) === 32 || text.charCodeAt(padding) === 9)) padding++;
    if (padding < restEnd) {
      return `the multipart body's line ${lineOf(text, at)} (${shown(text, at, restEnd)}) starts with ${dash} but goes on, so it is not a boundary line (${dash} alone starts a part, ${dash}-- alone closes the body) and receivers read it differently; ${NOTHING_SENT}. Put the boundary alone on its line, or name a boundary that no line of the content starts with`;
    }
    if (close && part > 1) {
      if (!formData || text.length === rest || (text.length === rest + 2 && text.endsWith("\r\n"))) return undefined;
      return `the multipart/form-data body goes on after its closing line ${dash}-- (line ${lineOf(text, at)}), with an epilogue that RFC 2046 has receivers ignore but ${UNDICI_6} refuses the whole form for; ${NOTHING_SENT}. End the body with ${dash}--, or ${dash}--\\r\\n`;
    }
    if (close) {
      return `the multipart body closes (${dash}--, line ${lineOf(text, at)}) before any part, so the upstream would find none; ${NOTHING_SENT}. Start each part with a line ${dash}, its headers, an empty line and its content, and close the body after the last one`;
    }
    if (rest < restEnd) {
      return `the multipart body's line ${lineOf(text, at)} (${shown(text, at, restEnd)}) has spaces after its boundary, which RFC 2046 allows but strict parsers (Node's undici) refuse; ${NOTHING_SENT}. End the line right after ${dash}`;
    }
    if (lineEnd < 0) return unclosed(text, boundary, part - 1);
    if (restEnd === lineEnd) return bareLf(text, lineEnd);
    // The part's header lines, up to the empty line that ends them.
    const headersAt = lineEnd + 1;
    let named = !formData;
    let line = headersAt;
    for (;;) {
      const end = text.indexOf("\n", line);
      if (end < 0 || text.startsWith(dash, line)) {
        if (end < 0 && line === headersAt) return unclosed(text, boundary, part - 1);
        return `part ${part} of the multipart body (its headers from line ${lineOf(text, headersAt)}) has no empty line after its headers before ${end < 0 ? "the text ends" : `the boundary line ${lineOf(text, line)}`}; ${NOTHING_SENT}. Write each part as a line ${dash}, its header lines${formData ? ` (Content-Disposition: form-data; name="field")` : ""}, an empty line, then its content (none for an empty one), each line ending in CRLF`;
      }
      if (end === line || text.charCodeAt(end - 1) !== 13) return bareLf(text, end);
      if (end === line + 1) break;
      named ||= namesField(text.slice(line, end - 1));
      line = end + 1;
    }
    if (!named) {
      return `part ${part} of the multipart/form-data body (its headers from line ${lineOf(text, headersAt)}) has no Content-Disposition: form-data; name="…" header, and a receiver drops or refuses a part that names no field (RFC 7578); ${NOTHING_SENT}. Give each part one, as Content-Disposition: form-data; name="field" (with ; filename="a.txt" for a file)`;
    }
    // The content runs to the next boundary line, which a CRLF starts: one after a bare LF is a line break gone wrong.
    const contentAt = line + 2;
    if (text.startsWith(dash, contentAt)) {
      return `part ${part} of the multipart body has the boundary line ${lineOf(text, contentAt)} right after the empty line that ends its headers, but the line break before a boundary line belongs to that line, so the part never ends; ${NOTHING_SENT}. Write an empty content as one more line break (…\\r\\n\\r\\n\\r\\n${dash})`;
    }
    const next = text.indexOf(delimiter, contentAt);
    const bareAt = text.indexOf(`\n${dash}`, contentAt);
    if (bareAt >= 0 && (next < 0 || bareAt < next + 1)) return boundaryAfterLf(text, bareAt, dash);
    if (next < 0) return unclosed(text, boundary, part);
    at = next + 2;
  }
}

/** A field-naming Content-Disposition header line (`Content-Disposition: form-data; name="a"`). */
function namesField(header: string): boolean {
  const colon = header.indexOf(":");
  if (colon < 0 || header.slice(0, colon).trim().toLowerCase() !== "content-disposition") return false;
  const value = header.slice(colon + 1);
  return mediaType(value) === "form-data" && mediaParameters(value).some((parameter) => parameter.name === "name");
}

function unparted(text: string, boundary: string, formData: boolean): string {
  const dash = `--${boundary}`;
  const why = text.includes(dash)
    ? `holds ${JSON.stringify(dash)} only inside a line, where it delimits nothing`
    : `never holds ${JSON.stringify(dash)}`;
  return `the multipart body is cut into parts at lines starting "--" and the boundary its Content-Type names (boundary=${boundary}), and this text ${why}, so the upstream would find no parts in it; ${NOTHING_SENT}. Start each part with a line ${dash} and end the body with a line ${dash}--, ${formData ? `name the boundary the text uses, or give the body as an object of fields ({"a": "1"}) to have it encoded` : "or name the boundary the text uses"}`;
}

function unclosed(text: string, boundary: string, parts: number): string {
  const dash = `--${boundary}`;
  const after = parts === 0 ? "" : ` after its ${parts === 1 ? "part" : `${parts} parts`}`;
  return `the multipart body never closes:${after} no line ${dash}-- ends it (RFC 2046), and strict receivers refuse such a body or drop its last part; ${NOTHING_SENT}. End the body with a line ${dash}-- after the last part's content (…content\\r\\n${dash}--\\r\\n)${text.endsWith(dash) ? `; it ends in ${dash}, without the closing --` : ""}`;
}

/** The error for the bare LF at `index`, ending a line multipart needs to end in CRLF. */
function bareLf(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index - 1) + 1;
  return `the multipart body's line ${lineOf(text, index)} (${shown(text, start, index)}) ends in a bare LF, but multipart lines end in CRLF (RFC 2046), and strict receivers find no parts or refuse the body; ${NOTHING_SENT}. End the boundary lines, ${CRLF_LINES}`;
}

/** The error for the boundary line after the bare LF at `index`, which a CRLF must come before. */
function boundaryAfterLf(text: string, index: number, dash: string): string {
  const end = text.indexOf("\n", index + 1);
  const shownLine = shown(text, index + 1, end < 0 ? text.length : text.charCodeAt(end - 1) === 13 ? end - 1 : end);
  return `the multipart body's line ${lineOf(text, index) + 1} (${shownLine}) starts with ${dash} after a bare LF, but a boundary line comes after a CRLF (RFC 2046), and receivers that follow it do not cut the body there; ${NOTHING_SENT}. End the line before each boundary line, ${CRLF_LINES}`;
}

/** The 1-based number of the line holding `index`. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at >= 0 && at < index; at = text.indexOf("\n", at + 1)) line++;
  return line;
}

/** text[start, end) as JSON, its first 60 characters at most (never half a surrogate pair). */
function shown(text: string, start: number, end: number): string {
  if (end - start <= 60) return JSON.stringify(text.slice(start, end));
  const line = text.slice(start, end);
  return `${JSON.stringify(line.slice(0, cutIndex(line, 60))).slice(0, -1)}…"`;
}
