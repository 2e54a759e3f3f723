// What `--logout` may send to an authorization server's revocation endpoint (RFC 7009), and what its answers mean.
// The endpoint receives the same secrets as the token endpoint (the tokens, and the client's secret), so it passes the
// same check the SDK applies to the token endpoint at login and refresh (https, plain http only on a loopback host),
// and the client authenticates as its registration says, chosen by the SDK's own rule for the token endpoint.
import {
  assertSecureTokenEndpoint,
  type OAuthClientInformationMixed,
  type OAuthTokens,
  selectClientAuthMethod,
} from "@modelcontextprotocol/client";

/** One POST to the revocation endpoint: a form body, and an Authorization header for client_secret_basic. */
export interface RevocationRequest {
  hint: "refresh_token" | "access_token";
  headers: Record<string, string>;
  body: URLSearchParams;
}

/** Revoke at `endpoint`; or nothing to do (`none`); or refuse to send the tokens there (`refused`). */
export type RevocationPlan =
  | { kind: "revoke"; endpoint: URL; requests: RevocationRequest[] }
  | { kind: "none" }
  | { kind: "refused"; reason: string };

/**
 * The requests that revoke `tokens`, refresh token first (revoking it usually ends the whole grant), or why none
 * are sent. `client` is who the tokens were issued to; `metadata` the issuer's, already checked to be that issuer's.
 */
export function planRevocation(
  tokens: Pick<OAuthTokens, "access_token" | "refresh_token">,
  client: OAuthClientInformationMixed,
  metadata: Readonly<Record<string, unknown>>,
): RevocationPlan {
  const revocationEndpoint = metadata.revocation_endpoint;
  if (typeof revocationEndpoint !== "string" || revocationEndpoint === "") return { kind: "none" };
  let endpoint: URL;
  try {
    endpoint = assertSecureTokenEndpoint(revocationEndpoint);
  } catch {
    return {
      kind: "refused",
      reason: `its revocation endpoint ${revocationEndpoint} is not an https URL (plain http only on a loopback host)`,
    };
  }
  if (endpoint.username || endpoint.password || endpoint.hash) {
    return { kind: "refused", reason: `its revocation endpoint ${endpoint.href} carries user:password or a #fragment` };
  }
  const supported =
    strings(metadata.revocation_endpoint_auth_methods_supported) ??
    strings(metadata.token_endpoint_auth_methods_supported) ??
    [];
  const method = selectClientAuthMethod(client, supported);
  const pairs = [
    ["refresh_token", tokens.refresh_token],
    ["access_token", tokens.access_token],
  ] as const;
  const requests: RevocationRequest[] = [];
  for (const [hint, token] of pairs) {
    if (!token) continue;
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    const body = new URLSearchParams({ token, token_type_hint: hint });
    if (method === "client_secret_basic" && client.client_secret) {
      // As the SDK authenticates at the token endpoint: id:secret, base64.
      headers.authorization = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`;
    } else {
      body.set("client_id", client.client_id);
      if (method === "client_secret_post" && client.client_secret) body.set("client_secret", client.client_secret);
    }
    requests.push({ hint, headers, body });
  }
  return { kind: "revoke", endpoint, requests };
}

/** A list of strings from the metadata, or undefined when it is absent or not one. */
function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

/** What one revocation answer means: done, a token type the server cannot revoke, or a failure to report. */
export type RevocationVerdict = { kind: "revoked" } | { kind: "unsupported" } | { kind: "failed"; reason: string };

/**
 * RFC 7009 §2.2: 200 means revoked (or already invalid, which is as good); `unsupported_token_type` means the server
 * cannot revoke that kind of token (typically self-contained JWT access tokens). Anything else failed.
 */
export function revocationVerdict(status: number, error?: string, description?: string): RevocationVerdict {
  if (status >= 200 && status < 300) return { kind: "revoked" };
  if (status === 400 && error === "unsupported_token_type") return { kind: "unsupported" };
  const detail = [error, description].filter(Boolean).join(": ");
  return { kind: "failed", reason: `HTTP ${status}${detail ? ` (${detail})` : ""}` };
}
