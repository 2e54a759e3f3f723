// The answers of a refused caller, alike in every way of authenticating: 401 with RFC 6750's challenge for no
// credentials or a token not accepted, 400 invalid_request for a Bearer header that does not parse, 403
// insufficient_scope for a use outside the caller's roles. Each is a JSON-RPC error, as other refusals are.
import type { AuthResult } from "./auth.js";

/** A refused caller: the HTTP answer, and why (for the log and the audit line; never the token). */
export type Refused = Extract<AuthResult, { ok: false }>;

/**
 * The 401. A request with no token gets a bare challenge (RFC 6750 §3.1: no error code when no credentials were
 * sent), whose `params` OAuth replaces with its `resource_metadata`; a token that is not accepted gets
 * `error="invalid_token"`.
 */
export function unauthorized(presented: boolean, message: string, params = 'realm="mcp"'): Refused {
  const challenge = presented
    ? `Bearer realm="mcp", error="invalid_token", error_description="${message}"`
    : `Bearer ${params}`;
  return {
    ok: false,
    reason: presented ? message : "no bearer token",
    // The first step of every sign-in (a client learns where to get a token from this 401): not a failure to warn of.
    ...(presented ? {} : { noCredentials: true as const }),
    response: Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32001, message: `Unauthorized: ${message}` } },
      { status: 401, headers: { "www-authenticate": challenge } },
    ),
  };
}

/**
 * The 400 for a Bearer header that does not parse (RFC 6750 §3.1 `invalid_request`): `reason` says what is wrong and
 * `send` what to send instead; `params` begin the challenge (OAuth's `resource_metadata`).
 */
export function malformedBearer(reason: string, send: string, params = 'realm="mcp"'): Refused {
  const message = `${reason}; ${send}`;
  return {
    ok: false,
    reason,
    response: Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32000, message: `Bad Request: ${message}` } },
      {
        status: 400,
        headers: {
          "www-authenticate": `Bearer ${params}, error="invalid_request", error_description="${quotable(message)}"`,
        },
      },
    ),
  };
}

/** The 403 for a use outside the caller's roles: a JSON-RPC error, as other refusals are, and the challenge. */
export function forbidden(
  reason: string,
  id: string | number | null,
  challenge = `Bearer error="insufficient_scope", error_description="${quotable(reason)}"`,
): Response {
  return Response.json(
    { jsonrpc: "2.0", id, error: { code: -32000, message: `Forbidden: ${reason}` } },
    { status: 403, headers: { "www-authenticate": challenge } },
  );
}

/** HTTP statuses a refusal of credentials may have, as its JSON-RPC message begins. */
const REFUSAL_WORDS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden" };

/**
 * A refusal answered by another party's challenge (the SDK's for OAuth): its status and `WWW-Authenticate` kept, its
 * body the JSON-RPC error every other refusal has, saying `message`.
 */
export function refusedAs(answer: Response, message: string): Response {
  const word = REFUSAL_WORDS[answer.status] ?? "Refused";
  const challenge = answer.headers.get("www-authenticate");
  return Response.json(
    {
      jsonrpc: "2.0",
      id: null,
      error: { code: answer.status === 401 ? -32001 : -32000, message: `${word}: ${message}` },
    },
    { status: answer.status, headers: challenge ? { "www-authenticate": challenge } : {} },
  );
}

/** Whether a request's URL carries RFC 6750 §2.3's `access_token` query parameter, which no mode reads. */
export function hasQueryToken(url: string | undefined): boolean {
  return new URL(url ?? "/", "http://localhost").searchParams.has("access_token");
}

/**
 * The 401 of a request with no bearer credentials but an `access_token` in its query string, saying that form is
 * never read and what to send instead; the challenge kept, so an OAuth client still starts its sign-in. Never the
 * token, in the answer or the reason.
 */
export async function queryTokenRefused(refused: Refused): Promise<Refused> {
  const body = (await refused.response.json()) as { error: { message: string } };
  const send = body.error.message.replace(/^Unauthorized: /, "");
  const message = `the access_token in the query string is never read here (RFC 6750 §2.3 lets a server refuse tokens in URLs, which logs and proxies keep): take it out of the URL; ${send}`;
  return {
    ok: false,
    reason: `${refused.reason} (an access_token in the query string is never read)`,
    response: Response.json(
      { ...body, error: { ...body.error, message: `Unauthorized: ${message}` } },
      { status: refused.response.status, headers: refused.response.headers },
    ),
  };
}

/** Text as a quoted-string of a challenge may carry it. */
function quotable(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "?");
}
