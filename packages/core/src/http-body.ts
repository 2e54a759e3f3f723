import type { IncomingMessage } from "node:http";
import { MAX_HTTP_BODY_BYTES } from "./http-options.js";
import { type HttpRefusal, httpRefusals } from "./http-refusal.js";

export type BodyRead = { ok: true; value: unknown } | { ok: false; refusal: HttpRefusal };

/** A POST body as JSON, read up to MAX_HTTP_BODY_BYTES: refused with 413 past it, with 400 when it does not parse. */
export async function readJsonBody(req: IncomingMessage): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HTTP_BODY_BYTES) return { ok: false, refusal: httpRefusals.bodyTooLarge() };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, refusal: httpRefusals.parseError() };
  }
}
