import type { Transport } from "@modelcontextprotocol/client";
import { isMessagePost, withAskedWait } from "./asked-wait.js";
import { cappedResponse, postedRequestId } from "./message-cap.js";
import { ProcessTransport } from "./process-transport.js";
import { isSecretKey } from "./redact.js";
import { ownSignalPerRequest } from "./request-signal.js";
import type { HttpServerSpec, StdioServerSpec } from "./servers-file.js";
import { serverEnv } from "./telemetry.js";

/** The agent's own Messages API credentials: servers never need them, so they are not passed on. */
const AGENT_SECRETS = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"];

/** The arguments node is really given: from the startup snapshot (its blob, then the server's flags), or the bin's. */
export function launchArgs(spec: StdioServerSpec, fromSnapshot: boolean): string[] {
  return fromSnapshot && spec.snapshotArgs ? [...spec.snapshotArgs, ...spec.args.slice(1)] : spec.args;
}

/**
 * A stdio server's process, with the agent's environment (minus its API credentials, which an entry may still
 * pass explicitly in its own env, and what the spec says it does without) under the entry's own env. A built-in
 * server starts from its startup snapshot when it has one, unless `fromSnapshot` is false (the retry after a
 * failed snapshot start).
 */
export function stdioTransport(
  spec: StdioServerSpec,
  env: Record<string, string | undefined>,
  onStderr?: (line: string) => void,
  fromSnapshot = true,
): ProcessTransport {
  const inherited = Object.fromEntries(
    Object.entries(serverEnv(env)).filter(
      ([name]) => !AGENT_SECRETS.includes(name) && !spec.withoutEnv?.includes(name),
    ),
  );
  return new ProcessTransport({
    command: spec.command,
    args: launchArgs(spec, fromSnapshot),
    env: { ...inherited, ...spec.env },
    cwd: spec.cwd,
    onStderr,
  });
}

/**
 * A remote server over its transport (remote-spec.ts); each loads only when a server of its kind is configured.
 * `onNotice` hears each reopening of a Streamable HTTP server's broken event stream.
 */
export async function httpTransport(
  spec: HttpServerSpec,
  env: Record<string, string | undefined> = {},
  onNotice: (line: string) => void = () => {},
): Promise<Transport> {
  if (spec.transport === "websocket") {
    const { WebSocketClientTransport } = await import("./ws-transport.js");
    return new WebSocketClientTransport(new URL(spec.url), spec.headers);
  }
  const [
    { SSEClientTransport, StreamableHTTPClientTransport },
    { AgentOAuthProvider },
    { loginCommand },
    { loginDirectory, TokenStore },
    { authorizationServerFetch },
    { reportedReconnection, STREAM_RECONNECTION },
  ] = await Promise.all([
    import("@modelcontextprotocol/client"),
    import("./oauth-client.js"),
    import("./login-errors.js"),
    import("./token-store.js"),
    import("./login-lost.js"),
    import("./stream-retry.js"),
  ]);
  // The login stored by --login, refreshed silently; a server that asks for one the agent lacks fails with a hint.
  const authProvider = new AgentOAuthProvider({
    server: spec.name,
    serverUrl: spec.url,
    settings: spec.oauth,
    store: new TokenStore(loginDirectory(env)),
    credentialHeaders: Object.keys(spec.headers).filter(isSecretKey),
    configFile: spec.configFile,
  });
  const url = new URL(spec.url);
  // The SDK reads only resource_metadata and scope from a 401's or 403's challenge; its error_description says why a
  // configured token was refused, or what its roles do not allow, so it is kept for the provider's message.
  // A refresh whose authorization server does not answer says so, and which one, not a bare "fetch failed".
  const advice = `check that it is up, then retry; if the login was revoked, log in again: ${loginCommand(spec.name, spec.configFile)}`;
  const reaching = authorizationServerFetch(url, `refreshing ${spec.name}'s login`, advice, (failure) => {
    authProvider.unreachable = failure;
  });
  const observing: typeof fetch = async (input, init) => {
    const response = await reaching(input, init);
    const target = input instanceof Request ? input.url : String(input);
    if ((response.status === 401 || response.status === 403) && target === url.href) {
      authProvider.challenge = response.headers.get("www-authenticate") ?? undefined;
      authProvider.challengeStatus = response.status;
    }
    const capped = cappedResponse(response, postedRequestId(init));
    // A 429's or 503's Retry-After, which the SDK would drop, goes into the error (asked-wait.ts); an authorization
    // server's answers are the OAuth client's to read. Only an error answer is read there: a legacy SSE POST's body is
    // parsed to tell whose it is, which an accepted call (202) need not pay for.
    if (response.status < 400) return capped;
    const sse = spec.transport === "sse";
    return isMessagePost(target, init, url, sse) ? withAskedWait(capped, init, Date.now(), sse) : capped;
  };
  const options = {
    requestInit: { headers: spec.headers },
    authProvider,
    fetch: ownSignalPerRequest(authProvider.watchTokenRequests(observing)),
  };
  // The SDK v2 still ships the deprecated HTTP+SSE client; servers that only speak it are still deployed.
  if (spec.transport === "sse") return new SSEClientTransport(url, options);
  const reconnection = reportedReconnection(spec.name, onNotice);
  const transport = new StreamableHTTPClientTransport(url, {
    ...options,
    reconnectionOptions: STREAM_RECONNECTION,
    reconnectionScheduler: reconnection.schedule,
  });
  // The client keeps a listener set before it connects, and calls it first.
  transport.onerror = reconnection.onerror;
  return transport;
}
