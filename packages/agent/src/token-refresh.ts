import type { StoredOAuthTokens } from "@modelcontextprotocol/client";
import type { StoredLogin } from "./token-store.js";

/** Stored tokens with less life than this left are refreshed rather than handed to a waiting session. */
const MIN_SECONDS_LEFT = 30;

/** What one refresh under the store's lock came to. */
export interface Refresh {
  /** The token endpoint's answer, or one made from tokens another session got. */
  response: Response;
  /** The refresh token the request sent, if one went out (a refusal is about it). */
  sent: string | undefined;
  /** Tokens to store before the lock is let go; undefined when there are none new. */
  tokens: StoredOAuthTokens | undefined;
}

/** Seconds the stored access token has left, by `expires_in` and when it was saved; undefined if it does not say. */
export function secondsLeft(login: StoredLogin, now = Date.now()): number | undefined {
  const expiresIn = login.tokens?.expires_in;
  if (expiresIn === undefined || login.savedAt === undefined) return undefined;
  return Math.floor(expiresIn - (now - login.savedAt) / 1000);
}

/**
 * One refresh, run while this session holds the store's lock (TokenStore.whileRefreshing). `stored` is the login as
 * the file has it now. If another session refreshed while this one waited (the file's refresh token is no longer the
 * one this request sends), its tokens are the answer while they have life left, without a request; if not, the
 * request goes out with the file's newer refresh token. The tokens a refresh gets are returned to be stored before
 * the lock is let go, so the next session to take it sees them.
 */
export async function refreshOnce(
  stored: StoredLogin,
  sent: string,
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  next: typeof fetch,
): Promise<Refresh> {
  const newer = stored.tokens?.refresh_token;
  if (stored.tokens && newer !== undefined && newer !== sent) {
    const left = secondsLeft(stored);
    if (left === undefined || left > MIN_SECONDS_LEFT) {
      return { response: tokenResponse(stored.tokens, left), sent: undefined, tokens: undefined };
    }
    const body = new URLSearchParams(String(init?.body ?? ""));
    body.set("refresh_token", newer);
    init = { ...init, body };
    sent = newer;
  }
  const response = await next(input, init);
  const tokens = response.ok ? await parsedTokens(response.clone()) : undefined;
  return {
    response,
    sent,
    // A provider that does not rotate leaves refresh_token out: the one sent stays good. The SDK stamps the issuer.
    tokens: tokens && { ...tokens, refresh_token: tokens.refresh_token ?? sent, issuer: stored.tokens?.issuer },
  };
}

/** A token endpoint's 200 carrying tokens already held (RFC 6749 §5.1), with the seconds they have left. */
function tokenResponse(tokens: StoredOAuthTokens, left: number | undefined): Response {
  const { issuer: _issuer, ...wire } = tokens;
  const body = left === undefined ? wire : { ...wire, expires_in: left };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** The tokens in a token endpoint's answer, or undefined when it holds none. */
async function parsedTokens(response: Response): Promise<StoredOAuthTokens | undefined> {
  try {
    const body = (await response.json()) as Partial<StoredOAuthTokens>;
    return typeof body.access_token === "string" && typeof body.token_type === "string"
      ? (body as StoredOAuthTokens)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The refresh token a token request's form body sends (grant_type=refresh_token), if it is one. */
export function refreshTokenIn(body: unknown): string | undefined {
  const form =
    body instanceof URLSearchParams ? body : typeof body === "string" ? new URLSearchParams(body) : undefined;
  if (form?.get("grant_type") !== "refresh_token") return undefined;
  return form.get("refresh_token") ?? undefined;
}
