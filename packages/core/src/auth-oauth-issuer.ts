// What a resource server asks its OAuth issuer: its metadata (RFC 8414 first, then OpenID Connect discovery; its
// `issuer` exactly ours), and RFC 7662 introspection of one token. Apart from the token checks (auth-oauth.ts), so
// what only needs these, or the misconfiguration error, does not load jose.
import type { OAuthOptions } from "./auth-oauth.js";
import { thrownMessage } from "./results.js";

/** What the issuer publishes about itself. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  scopes_supported?: string[];
}

/** The well-known URLs an issuer's metadata may be at, in the order they are tried. */
export function metadataUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, "");
  return [
    // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    new URL(`/.well-known/oauth-authorization-server${path}`, url.origin),
    // OpenID Connect Discovery: appended to the issuer.
    new URL(`${path}/.well-known/openid-configuration`, url.origin),
    // RFC 8414 metadata appended to the issuer, as Okta's custom authorization servers serve it.
    ...(path ? [new URL(`${path}/.well-known/oauth-authorization-server`, url.origin)] : []),
  ];
}

/**
 * The issuer answered, and what it said cannot work with these settings (it names another issuer, has no metadata at
 * any of the places it should, or publishes no keys and no introspection is set): waiting will not help, so a server
 * refuses to start on it.
 */
export class IssuerMisconfigured extends Error {}

/** Fetch the issuer's metadata, RFC 8414 first, then OpenID discovery; its `issuer` must be exactly ours. */
export async function discoverIssuer(
  issuer: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<IssuerMetadata> {
  const get = options.fetch ?? fetch;
  const failures: string[] = [];
  let notThere = 0;
  const urls = metadataUrls(issuer);
  for (const url of urls) {
    try {
      const response = await get(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status}`);
        if (response.status === 404 || response.status === 410) notThere++;
        continue;
      }
      const metadata = (await response.json()) as IssuerMetadata;
      if (metadata.issuer !== issuer) {
        throw new IssuerMisconfigured(`${url} names issuer "${metadata.issuer}", not "${issuer}"; check --issuer`);
      }
      return metadata;
    } catch (error) {
      if (error instanceof IssuerMisconfigured) throw error;
      failures.push(`${url}: ${requestFailure(error, options.timeoutMs)}`);
    }
  }
  const missing = `no authorization-server metadata for ${issuer} (${failures.join("; ")})`;
  // Its host answered that none of them exists: the issuer URL is wrong (a path, a realm), and no wait will help.
  if (notThere === urls.length) {
    throw new IssuerMisconfigured(`${missing}; check --issuer: it is the iss your provider puts in its tokens`);
  }
  throw new Error(missing);
}

/**
 * Whether an introspection endpoint's status refuses the request itself (a 4xx but 429: wrong credentials, or a URL
 * that is no introspection endpoint), which asking again will not mend, unlike a 429 or a 5xx.
 */
export function refusesRequest(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}

/**
 * Why a request to the issuer failed, in words: fetch's own "The operation was aborted due to timeout" says neither
 * that nothing came back nor how long was waited, and its "fetch failed" says nothing of why, which its causes do
 * ("connect ECONNREFUSED 127.0.0.1:8443", "getaddrinfo ENOTFOUND id.example.com", "bad port").
 */
export function requestFailure(error: unknown, timeoutMs = 5000): string {
  return (error as Error).name === "TimeoutError" ? `no answer in ${timeoutMs / 1000} s` : thrownMessage(error);
}

/**
 * POST one token to the introspection endpoint (RFC 7662 §2.1), authenticated with the server's client credentials
 * (Basic); the answer as it came, for the caller to judge.
 */
export function postIntrospection(
  endpoint: { url: string; clientId: string; clientSecret: string },
  token: string,
  options: Pick<OAuthOptions, "fetch" | "timeoutMs">,
): Promise<Response> {
  const pair = `${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`;
  return (options.fetch ?? fetch)(endpoint.url, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(pair).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token, token_type_hint: "access_token" }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
}
