// resources/list cursors. A cursor names where the listing stopped (which template, and that template's own position
// after its last item), not an offset: a resource created or deleted between pages then shifts nothing, so an item
// there throughout is listed once, never repeated nor skipped. The server keeps nothing between pages (stateless HTTP
// too): everything the next page needs is in the cursor, which is base64url JSON with a checksum, so a cut, altered
// or made-up cursor is refused (-32602, as the spec asks for an invalid cursor) instead of listing from a guess.
import { createHash } from "node:crypto";

/** The longest cursor accepted, in characters: a position is a path or a name, far shorter. */
export const MAX_CURSOR_LENGTH = 8192;

/** Where a listing stopped: `source` (a template's name) and its own position `after` its last item. */
export interface ListPosition {
  source: string;
  after: string;
}

const INVALID = "Invalid cursor: pass back the nextCursor of the previous resources/list page, unchanged";

const checksum = (body: string) =>
  createHash("sha256").update(`resources/list ${body}`).digest("base64url").slice(0, 12);

/** The opaque cursor for `position`. Pure. */
export function encodeCursor(position: ListPosition): string {
  const body = JSON.stringify([1, position.source, position.after]);
  return Buffer.from(`${checksum(body)}${body}`).toString("base64url");
}

/** The position a cursor names; throws a message for one this server did not make (or that was altered). Pure. */
export function decodeCursor(cursor: string): ListPosition {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error(INVALID);
  const text = Buffer.from(cursor, "base64url").toString();
  const body = text.slice(12);
  if (text.slice(0, 12) !== checksum(body)) throw new Error(INVALID);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(INVALID);
  }
  if (!Array.isArray(parsed) || parsed[0] !== 1 || typeof parsed[1] !== "string" || typeof parsed[2] !== "string") {
    throw new Error(INVALID);
  }
  return { source: parsed[1], after: parsed[2] };
}
