// The body a call gives, as the text sent and the Content-Type it goes under. No I/O (only a new multipart boundary
// is random): a refusal says what is wrong with the body and how to send it, before anything is sent. Strings go as
// written, in UTF-8; an object under a form type is encoded as that form (JSON text under one would reach the
// upstream as nothing it can parse).
import { randomUUID } from "node:crypto";
import { jsonDepth } from "@mcp-toolkit/core";
import { headerCharset, mediaType, withUtf8Charset } from "./media-type.js";
import { encodingOf } from "./meta-charset.js";
import { namedBoundary } from "./multipart-boundary.js";
import { malformedMultipart } from "./multipart-text.js";

const FORM_TYPE = "application/x-www-form-urlencoded";
const MULTIPART_TYPE = "multipart/form-data";
/**
 * The most levels of arrays and objects a body given as JSON may nest (a top-level one is 1): writing it out recurses
 * once per level, and a few thousand overflow the stack. No API's request needs a tenth of this.
 */
export const MAX_BODY_DEPTH = 128;

/** `body` (a string as-is, any other JSON value serialised) and the Content-Type to send it under, or why not. */
export function encodeBody(
  body: unknown,
  given: string | undefined,
): { text: string; contentType: string } | { error: string } {
  const type = mediaType(given);
  const fields = typeof body !== "string" && (type === FORM_TYPE || type === MULTIPART_TYPE);
  // RFC 2046's boundary and body syntax are common to every multipart type (mixed, related, alternative…).
  const multipart = type.startsWith("multipart/");
  const named = multipart && given !== undefined ? namedBoundary(given) : undefined;
  if (named && "error" in named) return named;
  if (fields && given !== undefined) {
    const encoded = type === FORM_TYPE ? formBody(body, given) : multipartBody(body, given, named?.boundary);
    if ("error" in encoded) return encoded;
    const charsetError = misreadCharset(encoded.text, encoded.contentType);
    return charsetError ? { error: charsetError } : encoded;
  }
  if (multipart && typeof body !== "string") {
    const kind = Array.isArray(body) ? "an array" : typeof body === "object" ? "an object" : `a ${typeof body}`;
    return {
      error: `a ${type} body is text whose parts are written out under the boundary its Content-Type names, and this one is JSON (${kind}), which has no one ${type} spelling; nothing was sent. Give the body as a string (a line --boundary, each part's headers, an empty line and its content, then a line --boundary--, all with CRLF line breaks), or send fields as an object under ${MULTIPART_TYPE}`,
    };
  }
  // Multipart text is cut into parts at the boundary its Content-Type names: without one, nothing can read it.
  if (named && named.boundary === undefined) {
    const advice =
      type === MULTIPART_TYPE
        ? `Give the body as an object of fields ({"a": "1"}) to have it encoded with a boundary, or name`
        : "Name";
    return {
      error: `a ${type} body is cut into parts at the boundary its Content-Type names, and "${given}" names none; nothing was sent. ${advice} the boundary your text uses (${type}; boundary=…)`,
    };
  }
  // Text the upstream would not cut into the parts it was written as: no part, bare LFs, no closing line.
  const malformed =
    typeof body === "string" && named?.boundary
      ? malformedMultipart(body, named.boundary, type === MULTIPART_TYPE)
      : undefined;
  if (malformed) return { error: malformed };
  const depth = typeof body === "string" ? 0 : jsonDepth(body);
  if (depth > MAX_BODY_DEPTH) {
    return {
      error: `the body nests arrays and objects ${depth} levels deep; at most ${MAX_BODY_DEPTH} are written out, and nothing was sent. Send fewer levels, or the JSON as a string (a string body is sent as written)`,
    };
  }
  const text = typeof body === "string" ? body : JSON.stringify(body);
  // A string is always sent as UTF-8, so a text type says so.
  const contentType = withUtf8Charset(
    given ?? (typeof body === "string" && !isJson(body) ? "text/plain" : "application/json"),
  );
  const charsetError = misreadCharset(text, contentType);
  return charsetError ? { error: charsetError } : { text, contentType };
}

/**
 * Why the upstream would misread UTF-8 `text` under `contentType`'s charset, or undefined. ASCII reads the same in
 * nearly any charset; other text does not, and in UTF-16 or UTF-32, whose characters take two or four bytes, nothing
 * does.
 */
function misreadCharset(text: string, contentType: string): string | undefined {
  const label = headerCharset(contentType);
  if (label === undefined) return undefined;
  const encoding = encodingOf(label);
  const fix = `nothing was sent. Set charset=utf-8 or leave the charset out (UTF-8 is then declared, or for JSON implied)`;
  if (text !== "" && (encoding?.startsWith("utf-16") || /^\s*utf-?32/i.test(label))) {
    return `the body is sent as UTF-8, but its Content-Type says charset=${label}, whose characters take ${encoding ? "two" : "four"} bytes or more, so the upstream would misread every one; ${fix}`;
  }
  const nonAscii = /[\u0080-\u{10ffff}]/u.exec(text)?.[0];
  if (nonAscii === undefined || encoding === "utf-8") return undefined;
  return `the body contains "${nonAscii}" and is sent as UTF-8, but its Content-Type says charset=${label}, so the upstream would misread it; ${fix}, or escape the text as the format allows (\\u00e9 in JSON, &#233; in HTML or XML)`;
}

/** Advice on a form body this tool cannot encode, for the form `type`. */
function formAdvice(type: string): string {
  const text =
    type === FORM_TYPE
      ? `already form-encoded ("a=1&b=2")`
      : `already multipart-encoded, with its boundary named in the Content-Type`;
  return `or give the body as a string ${text}, or send JSON without the ${type} Content-Type`;
}

/**
 * A JSON body given with a form Content-Type, as the fields it stands for: each field's string, number or boolean,
 * an array of them as the key repeated (`tag=a&tag=b`). Anything else has no one form spelling, so it is refused.
 */
function formFields(value: unknown, type: string): { fields: [string, string][] } | { error: string } {
  const an = type === FORM_TYPE ? "an" : "a";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      error: `${an} ${type} body is an object of fields; nothing was sent. Give one like {"a": "1"}, ${formAdvice(type)}`,
    };
  }
  const fields: [string, string][] = [];
  for (const [name, field] of Object.entries(value)) {
    for (const item of Array.isArray(field) ? field : [field]) {
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
        return {
          error: `body field "${name}" is ${item === null ? "null" : "an object"}, which ${an} ${type} body cannot carry (a field is a string, number or boolean, or an array of them for a repeated key); nothing was sent. Write it as the API spells it (e.g. "${name}[k]": "v", or JSON text), ${formAdvice(type)}`,
        };
      }
      fields.push([name, String(item)]);
    }
  }
  return { fields };
}

function formBody(value: unknown, contentType: string): { text: string; contentType: string } | { error: string } {
  const form = formFields(value, FORM_TYPE);
  return "error" in form ? form : { text: new URLSearchParams(form.fields).toString(), contentType };
}

/**
 * The fields as multipart/form-data (RFC 7578), text parts in UTF-8, as browsers send a form; under the boundary the
 * call `named` (as namedBoundary reads it), else a new one, added to the Content-Type.
 */
function multipartBody(
  value: unknown,
  given: string,
  named: string | undefined,
): { text: string; contentType: string } | { error: string } {
  const form = formFields(value, MULTIPART_TYPE);
  if ("error" in form) return form;
  const boundary = named ?? `mcp-toolkit-${randomUUID()}`;
  // Names are escaped as the HTML standard escapes them; values go as written.
  const quoted = (name: string) => name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const parts = form.fields.map(
    ([name, field]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${field}\r\n`,
  );
  const text = `${parts.join("")}--${boundary}--\r\n`;
  if (named !== undefined && form.fields.some(([, field]) => field.includes(`--${named}`))) {
    return {
      error: `a body field contains "--${named}", the boundary the Content-Type names, which would end its part early; nothing was sent. Leave the boundary out of the Content-Type and one is chosen`,
    };
  }
  return {
    text,
    contentType: named !== undefined ? given : `${given.trimEnd().replace(/;$/, "")}; boundary=${boundary}`,
  };
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
