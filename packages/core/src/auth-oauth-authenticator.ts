// OAuth access tokens from the team's identity provider, as an Authenticator: the SDK's bearer checks with our
// verifier (auth-oauth.ts), the caller's roles from the token's scopes and the policy's claims, the 401/403/503
// answers and the RFC 9728 metadata. The verifier, jose and the SDK's auth helpers are loaded only when `--auth
// oauth` is chosen.
import type { Authenticator } from "./auth.js";
import { forbidden, malformedBearer, refusedAs, unauthorized } from "./auth-answers.js";
import { namesInClaims, rolesForGroups } from "./auth-claim-roles.js";
import type { OAuthOptions } from "./auth-oauth.js";
import { advertisedScopes, challengeScope, type RolePolicy, rolesForScopes } from "./auth-roles.js";
import { bearerCredentials } from "./bearer.js";
import type { Caller } from "./caller.js";

/** The Retry-After of a 503 sent while the issuer cannot be reached to check a token, in seconds. */
export const ISSUER_RETRY_AFTER_S = 5;

/** How to check OAuth tokens: issuer, resource, optional introspection (see auth-oauth.ts). */
export type OAuthSettings = OAuthOptions;

/**
 * OAuth access tokens from `issuer`, meant for `resource`; their scopes map to roles through the policy. jose and
 * the verifier are loaded here, only in this mode.
 */
export async function oauthAuthenticator(settings: OAuthSettings, policy: RolePolicy): Promise<Authenticator> {
  const [{ oauthVerifier }, { CLOCK_SKEW_S }, { IssuerMisconfigured }, sdk] = await Promise.all([
    import("./auth-oauth.js"),
    import("./auth-oauth-claims.js"),
    import("./auth-oauth-issuer.js"),
    import("@modelcontextprotocol/server"),
  ]);
  const verifier = oauthVerifier(settings);
  // The verifier has judged `exp`, with CLOCK_SKEW_S of tolerance and by its own clock. The SDK checks it again, by
  // Date.now with no tolerance, which would refuse a token the moment this host's clock passes its `exp`: it is shown
  // the tolerated deadline, and the caller's AuthInfo gets the token's own. Only an introspected token may have no
  // `exp` (RFC 7662 makes it optional; a JWT without one is refused): its provider is asked at every request, so its
  // life is the provider's to end, and the SDK, which refuses an AuthInfo without expiresAt, is shown one never past.
  const lenient: typeof verifier = {
    ...verifier,
    async verifyAccessToken(token) {
      const info = await verifier.verifyAccessToken(token);
      const deadline = info.expiresAt === undefined ? Number.POSITIVE_INFINITY : info.expiresAt + CLOCK_SKEW_S;
      return { ...info, expiresAt: deadline };
    },
  };
  const resource = new URL(settings.resource);
  const metadataUrl = sdk.getOAuthProtectedResourceMetadataUrl(resource);
  // Built on each request: the policy's scopes change when it is reloaded. With none to ask for (every role comes
  // with a group), none are listed, and a client asks for the scope it was registered with.
  const document = () => {
    const scopes = advertisedScopes(policy);
    return {
      resource: settings.resource,
      authorization_servers: [settings.issuer],
      ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
      bearer_methods_supported: ["header"],
    };
  };
  const metadataPath = new URL(metadataUrl).pathname;
  // No 401 names a `scope`. Clients pick scopes by the MCP spec's order (2025-11-25, 2026-07-28; SDK v1 and v2 alike):
  // the challenge's `scope`, else every scope in the metadata's `scopes_supported`. A least-privilege challenge (the
  // reader's scope) would leave a writer client with a reader's token, and since tools/list shows only what a token's
  // roles allow, the model would never see a write tool, call it, and get the 403 that makes a client step up. Naming
  // every scope would claim this request needs them (RFC 6750 §3). Without `scope`, clients ask for what the
  // metadata lists — the live policy's scopes, in the provider's names — and the provider grants each client its own.
  return {
    policy,
    async authenticate(header) {
      const credentials = bearerCredentials(header);
      // RFC 6750 §3.1: no bearer credentials (none, or another scheme's, like Basic) get a challenge without an error.
      if (credentials.kind === "none") {
        // Said to a person with curl too: where a token comes from, and for what.
        const send = `send an OAuth access token from ${settings.issuer} for ${settings.resource} (Authorization: Bearer <token>; ${metadataUrl} says how to get one)`;
        return unauthorized(false, send, `resource_metadata="${metadataUrl}"`);
      }
      if (credentials.kind === "malformed") {
        const send = "send Authorization: Bearer <an OAuth access token>";
        return malformedBearer(credentials.reason, send, `resource_metadata="${metadataUrl}"`);
      }
      try {
        // The SDK takes exactly one space after "Bearer" (RFC 6750 allows more): hand it that form.
        const checked = await sdk.verifyBearerToken(`Bearer ${credentials.token}`, {
          verifier: lenient,
          expectedResource: resource,
          resourceMetadataUrl: metadataUrl,
        });
        // The token's claims are read here, against the live policy, and go no further than this.
        const { expiresAt, extra: { claims = {}, ...extra } = {}, ...rest } = checked;
        const authInfo =
          expiresAt === undefined || expiresAt === Number.POSITIVE_INFINITY
            ? rest
            : { ...rest, expiresAt: expiresAt - CLOCK_SKEW_S };
        const sub = extra.sub as string | undefined;
        const named = namesInClaims(claims as Record<string, unknown>, policy.claims ?? []);
        const caller: Caller = {
          id: sub ?? (authInfo.clientId || "unknown"),
          ...(sub ? { sub } : {}),
          ...(authInfo.clientId ? { clientId: authInfo.clientId } : {}),
          roles: new Set([...rolesForScopes(authInfo.scopes, policy), ...rolesForGroups(named, policy.groups ?? {})]),
        };
        return { ok: true, caller, authInfo: { ...authInfo, extra: { ...extra, caller } } };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof sdk.OAuthError && error.code === sdk.OAuthErrorCode.TemporarilyUnavailable) {
          // The token was not judged: the issuer could not be asked. 503 tells the client (and a proxy) to retry.
          return {
            ok: false,
            reason,
            response: Response.json(
              { jsonrpc: "2.0", id: null, error: { code: -32001, message: `Service Unavailable: ${reason}` } },
              { status: 503, headers: { "retry-after": String(ISSUER_RETRY_AFTER_S) } },
            ),
          };
        }
        // The SDK's challenge (status and WWW-Authenticate), with the JSON-RPC body every other refusal has.
        const challenge = sdk.bearerAuthChallengeResponse(error, { resourceMetadataUrl: metadataUrl });
        return { ok: false, reason, response: refusedAs(challenge, reason) };
      }
    },
    // The challenge names one scope that suffices, one clients are told of (the provider's name for it, when the
    // policy maps one); the description lists the alternatives. A client steps up with it added to what it holds.
    refuseUse: (needed, reason, id) => {
      const scope = challengeScope(needed, policy);
      const challenge = sdk.bearerAuthChallengeResponse(
        new sdk.OAuthError(sdk.OAuthErrorCode.InsufficientScope, reason),
        { requiredScopes: scope ? [scope] : [], resourceMetadataUrl: metadataUrl },
      );
      return forbidden(reason, id, challenge.headers.get("www-authenticate") ?? 'Bearer error="insufficient_scope"');
    },
    // RFC 9728: the path-suffixed location (…/oauth-protected-resource/mcp), and the bare one for clients that try it.
    resourceMetadata: {
      paths: [...new Set([metadataPath, "/.well-known/oauth-protected-resource"])],
      get document() {
        return document();
      },
    },
    async prepare() {
      const metadata = await verifier.metadata();
      if (!metadata.jwks_uri && !settings.introspection) {
        throw new IssuerMisconfigured(`${settings.issuer} publishes no jwks_uri, and no --introspection-url is set`);
      }
      if (settings.introspection)
        await (await import("./introspection-probe.js")).probeIntrospection(settings, metadata.introspection_endpoint);
    },
  };
}
