// A remote server's OAuth login that cannot be used right now, told apart from a server refusing a call: the
// authorization server did not answer a refresh (or its metadata request), or the login is gone.
import { causes, describeFailure } from "./describe-failure.js";

/**
 * The authorization server at `origin` could not be reached (connection refused, DNS, TLS…) while the agent
 * refreshed or checked a login: the MCP server refused nothing, and the login may still be good.
 */
export class AuthorizationServerUnreachable extends Error {
  override name = "AuthorizationServerUnreachable";
  /** `doing`: what the request was for, as "refreshing team's login". */
  constructor(
    readonly origin: string,
    cause: unknown,
    doing: string,
    advice: string,
  ) {
    super(`${doing} at ${origin}, the authorization server, failed: ${describeFailure(cause)} — ${advice}`, { cause });
  }
}

/**
 * How long one request to the authorization server may take. Without a limit, one that accepts the connection and
 * never answers holds --login forever, and a start-up refresh until --startup-timeout, blamed on the MCP server.
 */
export const AUTHORIZATION_SERVER_TIMEOUT_MS = 10_000;

/**
 * `fetch` for a transport or a login that turns a network failure of a request to another origin than the MCP
 * server's (the only other host the SDK's auth() talks to is the authorization server), or its not answering within
 * `timeoutMs`, into AuthorizationServerUnreachable. A cancelled request stays as it is; the MCP server's requests
 * (long-lived streams among them) get no limit here.
 */
export function authorizationServerFetch(
  mcpUrl: URL,
  doing: string,
  advice: string,
  onReached: (failure: AuthorizationServerUnreachable | undefined) => void = () => {},
  next: typeof fetch = fetch,
  timeoutMs: number = AUTHORIZATION_SERVER_TIMEOUT_MS,
): typeof fetch {
  return async (input, init) => {
    const target = new URL(input instanceof Request ? input.url : String(input));
    const elsewhere = target.origin !== mcpUrl.origin;
    const asked = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const deadline = elsewhere ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = deadline && asked ? AbortSignal.any([asked, deadline]) : (deadline ?? asked);
    try {
      const response = await next(input, deadline ? { ...init, signal } : init);
      if (elsewhere) onReached(undefined);
      return response;
    } catch (error) {
      if (!elsewhere || asked?.aborted === true) throw error;
      const cause = deadline?.aborted ? new Error(`no answer in ${timeoutMs / 1000} s`) : error;
      const failure = new AuthorizationServerUnreachable(target.origin, cause, doing, advice);
      onReached(failure);
      throw failure;
    }
  };
}

/** The login error under a failed call, if that is why it failed (the SDK may wrap it, or keep it as a cause). */
export function loginFailure(error: unknown): Error | undefined {
  for (const current of causes(error)) {
    if (current instanceof AuthorizationServerUnreachable) return current;
    if (current instanceof Error && current.name === "LoginRequired") return current;
  }
  return undefined;
}
