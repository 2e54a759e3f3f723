// What an Authorization header carries, read one way for every kind of token (shared, named, OAuth) and for
// isAuthorized: RFC 6750 §2.1's "Bearer" (any case), spaces or tabs, and one token. The token may hold any visible
// character, not only RFC 6750's b64token ones: a shared token is the operator's own text. Pure.
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * No bearer credentials (no header, or another scheme's, like Basic), a Bearer header that does not parse — no
 * token, or more than one word — with why, or the token.
 */
export type BearerCredentials =
  | { kind: "none" }
  | { kind: "malformed"; reason: string }
  | { kind: "token"; token: string };

/** Read an Authorization header's bearer credentials. */
export function bearerCredentials(header: string | undefined): BearerCredentials {
  const [scheme = "", ...words] = (header ?? "").trim().split(/\s+/);
  if (scheme.toLowerCase() !== "bearer") return { kind: "none" };
  const [token] = words;
  if (token === undefined) {
    return { kind: "malformed", reason: 'the Authorization header is "Bearer" with no token after it' };
  }
  if (words.length > 1) {
    return {
      kind: "malformed",
      reason: `the Authorization header has ${words.length} words after "Bearer", and a bearer token is one, with no spaces`,
    };
  }
  return { kind: "token", token };
}

/** Constant-time check of an `Authorization: Bearer …` header against one token (for an app's own routes). */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const credentials = bearerCredentials(header);
  if (credentials.kind !== "token") return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(credentials.token), digest(token));
}
