import { randomBytes } from "node:crypto";
import type {
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { LoginRequired, NotAuthorized } from "./login-errors.js";
import type { AuthorizationServerUnreachable } from "./login-lost.js";
import { type AgentOAuthOptions, clientFor } from "./oauth-options.js";
import { refreshOnce, refreshTokenIn } from "./token-refresh.js";
import type { StoredLogin } from "./token-store.js";

/**
 * The agent's side of MCP authorization, for the SDK's `auth()` and transports, which do all of the protocol
 * (discovery, registration, PKCE, the `resource` parameter, refresh). This only says who the client is and keeps
 * what the flow produces: client and tokens in the TokenStore, the PKCE verifier and discovery in memory (a login
 * runs in one process).
 */
export class AgentOAuthProvider implements OAuthClientProvider {
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  /** The tokens last handed to the SDK (for each request's header too, so not always those a refresh sent). */
  private handedOut: StoredOAuthTokens | undefined;
  /** The refresh token the last refresh request sent (watchTokenRequests): the one a refusal is about. */
  private refreshSent: string | undefined;
  /** A fresh login's registered client, stored with its tokens when the login succeeds. */
  private pendingClient: StoredOAuthClientInformation | undefined;
  private readonly stateValue = randomBytes(24).toString("base64url");
  readonly clientMetadataUrl: string | undefined;
  /** The last 401's or 403's `WWW-Authenticate` from the server (the transport's fetch records it), quoted if it refuses. */
  challenge: string | undefined;
  /** That answer's status: a 403 took the credentials and refused a use outside their roles. */
  challengeStatus: number | undefined;
  /**
   * The authorization server did not answer the last request to it (the transport's fetch records it): the SDK
   * then falls back to a new authorization, which a normal run reports as this, not as a login to make.
   */
  unreachable: AuthorizationServerUnreachable | undefined;

  constructor(private readonly options: AgentOAuthOptions) {
    this.clientMetadataUrl = options.settings?.clientMetadataUrl;
  }

  /** The loopback URI at login; in a normal run one of the same form, never used for a new authorization. */
  get redirectUrl(): string {
    return this.options.interactive?.redirectUrl ?? "http://127.0.0.1/callback";
  }

  /** A native app (RFC 8252): a public client with a loopback redirect, unless mcp.json gives it a secret. */
  get clientMetadata(): OAuthClientMetadata {
    const secret = this.options.settings?.clientSecret !== undefined;
    return {
      client_name: "mcp-agent (mcp-toolkit)",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: secret ? "client_secret_basic" : "none",
      application_type: "native",
      ...(this.options.settings?.scope ? { scope: this.options.settings.scope } : {}),
    } as OAuthClientMetadata;
  }

  /** The state sent with the authorization request; the loopback listener checks the callback carries it back. */
  state(): string {
    return this.stateValue;
  }

  /**
   * Read afresh each time, never cached: another session may have refreshed (and so rotated) the tokens, or a
   * `--login` in another terminal replaced them, and a refresh with the old ones would be refused.
   */
  private login(): StoredLogin {
    return this.options.store.read(this.options.serverUrl);
  }

  private save(change: (login: StoredLogin) => StoredLogin): void {
    this.options.store.update(this.options.serverUrl, change);
  }

  /** The stored client, or for a fresh login the one it registered (or the stored one it may keep). */
  private storedClient(): StoredOAuthClientInformation | undefined {
    const fresh = this.options.fresh;
    if (fresh === undefined) return this.login().client;
    return this.pendingClient ?? (fresh.keepClient ? this.login().client : undefined);
  }

  clientInformation(ctx?: OAuthClientInformationContext): StoredOAuthClientInformation | undefined {
    const client = clientFor(this.options.settings, this.storedClient(), ctx?.issuer);
    if (client === undefined && !this.options.interactive) {
      // Discovery (saved just before this is asked) found neither document: the 401 is not an OAuth challenge.
      const oauth = this.discovery?.resourceMetadata ?? this.discovery?.authorizationServerMetadata;
      const refusal = {
        credentialHeaders: this.options.credentialHeaders ?? [],
        challenge: this.challenge,
        status: this.challengeStatus,
      };
      if (!oauth) throw new NotAuthorized(this.options.server, refusal);
      // A normal run never registers a client: that happens at --login, where the person can finish the flow.
      throw new LoginRequired(this.options.server, this.options.configFile, refusal);
    }
    return client;
  }

  saveClientInformation(client: StoredOAuthClientInformation): void {
    if (this.options.fresh) this.pendingClient = client;
    else this.save((login) => ({ ...login, client }));
  }

  tokens(): StoredOAuthTokens | undefined {
    if (this.options.fresh) return undefined;
    this.handedOut = this.login().tokens;
    return this.handedOut;
  }

  /** A fresh login's tokens replace the stored login whole: its client too, when it registered one. */
  saveTokens(tokens: StoredOAuthTokens): void {
    this.refreshSent = undefined;
    const fresh = this.options.fresh;
    this.save((login) => {
      const client = fresh ? (this.pendingClient ?? (fresh.keepClient ? login.client : undefined)) : login.client;
      return { ...login, client, tokens, savedAt: Date.now() };
    });
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    if (!this.options.interactive) {
      throw this.unreachable ?? new LoginRequired(this.options.server, this.options.configFile);
    }
    await this.options.interactive.onAuthorizationUrl(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error("no PKCE verifier: the authorization was not started here");
    return this.verifier;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  /**
   * The transport's fetch, noting the refresh token each refresh request sends: the SDK asks tokens() for every
   * request's header too, so what it last handed out may be newer than what a refused refresh tried.
   */
  watchTokenRequests(next: typeof fetch): typeof fetch {
    return (input, init) => {
      const sent = refreshTokenIn(init?.body);
      if (sent === undefined) return next(input, init);
      this.refreshSent = sent;
      if (this.options.fresh) return next(input, init);
      const { store, serverUrl } = this.options;
      return store.whileRefreshing(serverUrl, async () => {
        const refresh = await refreshOnce(store.read(serverUrl), sent, input, init, next);
        this.refreshSent = refresh.sent;
        if (refresh.tokens) this.save((login) => ({ ...login, tokens: refresh.tokens, savedAt: Date.now() }));
        return refresh.response;
      });
    };
  }

  /**
   * The SDK drops what the server said is no longer valid: a refused refresh token, an unknown client. Only if the
   * file still holds the tokens that failed (the refresh token the refusal was about, else those last handed out):
   * newer ones (another session's refresh, a `--login` elsewhere) stay, and the SDK's retry goes on with them. A
   * fresh login drops only what it holds in memory: the file is the running sessions' until it succeeds.
   */
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "verifier" || scope === "all") this.verifier = undefined;
    if (scope === "discovery" || scope === "all") this.discovery = undefined;
    if (scope !== "all" && scope !== "client" && scope !== "tokens") return;
    if (this.options.fresh) {
      if (scope !== "tokens") this.pendingClient = undefined;
      return;
    }
    const [refused, handedOut] = [this.refreshSent, this.handedOut];
    this.refreshSent = undefined;
    const failed = (tokens: StoredOAuthTokens | undefined) =>
      refused !== undefined ? tokens?.refresh_token === refused : sameTokens(tokens, handedOut);
    // A read-modify-write not locked across processes (TokenStore.update): the rename keeps each read whole.
    this.save((login) =>
      failed(login.tokens)
        ? { ...login, tokens: undefined, savedAt: undefined, client: scope === "tokens" ? login.client : undefined }
        : login,
    );
  }
}

/** The same grant's tokens: what a refresh would send, or else what a request would. */
function sameTokens(a: StoredOAuthTokens | undefined, b: StoredOAuthTokens | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.refresh_token === b.refresh_token && a.access_token === b.access_token;
}
