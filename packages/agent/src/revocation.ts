import type {
  AuthorizationServerMetadata,
  OAuthClientInformationMixed,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { describeFailure } from "./describe-failure.js";
import { planRevocation, revocationVerdict } from "./revocation-policy.js";

/** How long `--logout` gives the authorization server, metadata and revocations together. */
export const REVOKE_TIMEOUT_MS = 10_000;

type TokenHint = "refresh_token" | "access_token";

/** What became of a login's tokens at its authorization server (`issuer`); `kept`: those it said it cannot revoke. */
export type RevocationOutcome =
  | { kind: "revoked"; issuer: string; revoked: TokenHint[]; kept: TokenHint[] }
  | { kind: "unavailable"; issuer: string }
  | { kind: "failed"; issuer: string; reason: string };

export interface RevokeOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Revoke a login's tokens (RFC 7009) at the authorization server that issued them: the issuer the SDK stamped on
 * them at login, whose metadata the SDK fetches and checks names that issuer; only tokens stored without a stamp
 * go through the MCP server's discovery again.
 */
export async function revokeTokens(
  serverUrl: string,
  tokens: StoredOAuthTokens,
  client: OAuthClientInformationMixed | undefined,
  options: RevokeOptions,
): Promise<RevocationOutcome> {
  const { discoverAuthorizationServerMetadata, discoverOAuthServerInfo } = await import("@modelcontextprotocol/client");
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const fetchFn = (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal });
  let issuer = tokens.issuer ?? "its authorization server";
  try {
    let metadata: AuthorizationServerMetadata | undefined;
    if (tokens.issuer) {
      metadata = await discoverAuthorizationServerMetadata(tokens.issuer, { fetchFn });
    } else {
      const found = await discoverOAuthServerInfo(serverUrl, { fetchFn });
      metadata = found.authorizationServerMetadata;
      issuer = metadata?.issuer ?? found.authorizationServerUrl;
    }
    if (!metadata) return { kind: "failed", issuer, reason: "it publishes no OAuth metadata" };
    if (!client) return { kind: "failed", issuer, reason: "no client registration is stored to revoke as" };
    const plan = planRevocation(tokens, client, metadata);
    if (plan.kind === "none") return { kind: "unavailable", issuer };
    if (plan.kind === "refused") return { kind: "failed", issuer, reason: `the tokens were not sent: ${plan.reason}` };
    const revoked: TokenHint[] = [];
    const kept: TokenHint[] = [];
    for (const request of plan.requests) {
      // A redirect is an answer, not followed: the tokens go to the endpoint the metadata names and nowhere else.
      const response = await fetchFn(plan.endpoint, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
      });
      const answer = (await response.json().catch(() => ({}))) as { error?: unknown; error_description?: unknown };
      const verdict = revocationVerdict(response.status, text(answer.error), text(answer.error_description));
      if (verdict.kind === "failed") {
        return { kind: "failed", issuer, reason: `${request.hint.replace("_", " ")}: ${verdict.reason}` };
      }
      (verdict.kind === "unsupported" ? kept : revoked).push(request.hint);
    }
    return { kind: "revoked", issuer, revoked, kept };
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs / 1000} s` : describeFailure(error);
    return { kind: "failed", issuer, reason };
  }
}

/** A string field of an error answer, cut short: the line it ends up in is for a person. */
function text(value: unknown): string | undefined {
  return typeof value === "string" ? value.slice(0, 200) : undefined;
}
