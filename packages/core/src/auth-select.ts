// How HTTP callers authenticate, judged from the access options: one shared token, named tokens, or OAuth (with its
// issuer, resource, audience and introspection), refusing in one line two modes set at once or a setting the chosen
// mode would ignore. Judged without touching a file or the network.
import { ACCESS_OPTIONS, type AccessValues, type AuthChoice } from "./access-options.js";
import { UsageError } from "./cli-options.js";
import { isLoopbackHost } from "./http-guard.js";

/** The authentication mode and its settings; throws UsageError in one line. */
export function selectAuth(values: AccessValues, env: Record<string, string | undefined>): AuthChoice {
  const tokensFile = values["tokens-file"]?.trim();
  const issuer = values.issuer?.trim();
  const token = env.MCP_AUTH_TOKEN?.trim();
  const given = [token && "MCP_AUTH_TOKEN", tokensFile && "--tokens-file", issuer && "--issuer"].filter(Boolean);
  let mode = values.auth?.trim().toLowerCase();
  if (!mode) {
    // Two ways of authenticating set at once is a mistake to name, not to settle silently: a shell that still
    // exports MCP_AUTH_TOKEN would otherwise drop the named tokens, or the other way round.
    if (given.length > 1) {
      throw new UsageError(
        `both ${given.join(" and ")} are set: choose one with --auth token|tokens|oauth${token ? " (or unset MCP_AUTH_TOKEN)" : ""}`,
      );
    }
    mode = tokensFile ? "tokens" : issuer ? "oauth" : "token";
  }
  // A setting only another mode reads would be ignored: refuse it. MCP_AUTH_TOKEN is the exception: an environment
  // variable left from an earlier step, which --auth tokens|oauth then leaves unused.
  const oauthOnly = (["resource", "audience", "introspection-url", "allow-untyped-jwt"] as const)
    .filter((key) => {
      const value = values[key];
      return typeof value === "string" ? value.trim() : value;
    })
    .map((key) => `--${key} (${ACCESS_OPTIONS[key].env})`);
  const unused =
    mode === "token"
      ? [tokensFile && "--tokens-file", issuer && "--issuer", ...oauthOnly]
      : mode === "tokens"
        ? [issuer && "--issuer", ...oauthOnly]
        : mode === "oauth"
          ? [tokensFile && "--tokens-file"]
          : [];
  const ignored = unused.filter(Boolean);
  if (ignored.length > 0 && !values.auth?.trim()) {
    // No --auth: the OAuth settings came without --issuer (forgotten, or its variable misspelt), and the server
    // would silently take a shared token or the tokens file instead.
    throw new UsageError(
      `${ignored.join(" and ")} ${ignored.length > 1 ? "are" : "is"} for --auth oauth, which needs --issuer (MCP_OAUTH_ISSUER): add it, or remove ${ignored.length > 1 ? "them" : "it"}`,
    );
  }
  if (ignored.length > 0) {
    throw new UsageError(`--auth ${mode} does not use ${ignored.join(" or ")}: remove it, or choose another --auth`);
  }
  switch (mode) {
    case "token":
      if (!token) {
        throw new UsageError(
          "--transport http needs a bearer token: set MCP_AUTH_TOKEN (e.g. MCP_AUTH_TOKEN=$(openssl rand -hex 32)), or use --tokens-file or --auth oauth",
        );
      }
      return { mode, token };
    case "tokens":
      if (!tokensFile) throw new UsageError("--auth tokens needs --tokens-file (MCP_AUTH_TOKENS_FILE)");
      return { mode, file: tokensFile };
    case "oauth":
      return selectOAuth(values, env, issuer);
    default:
      throw new UsageError(`--auth must be token, tokens or oauth, got "${values.auth}"`);
  }
}

function selectOAuth(values: AccessValues, env: Record<string, string | undefined>, issuer?: string): AuthChoice {
  if (!issuer) throw new UsageError("--auth oauth needs --issuer (MCP_OAUTH_ISSUER): your identity provider's URL");
  const resource = values.resource?.trim();
  if (!resource) {
    throw new UsageError(
      "--auth oauth needs --resource (MCP_OAUTH_RESOURCE): this server's URL as clients reach it, which tokens must name as their audience",
    );
  }
  const choice: AuthChoice = {
    mode: "oauth",
    issuer: webUrl(issuer, "--issuer (MCP_OAUTH_ISSUER)"),
    resource: webUrl(resource, "--resource (MCP_OAUTH_RESOURCE)"),
  };
  const audience = values.audience?.trim();
  if (audience) choice.audience = audience;
  if (values["allow-untyped-jwt"]) choice.allowUntypedJwt = true;
  const introspection = values["introspection-url"]?.trim();
  if (introspection) {
    const clientId = env.MCP_OAUTH_CLIENT_ID?.trim();
    const clientSecret = env.MCP_OAUTH_CLIENT_SECRET;
    if (!clientId || !clientSecret) {
      throw new UsageError(
        "--introspection-url needs the client credentials to call it: set MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET",
      );
    }
    choice.introspection = {
      url: webUrl(introspection, "--introspection-url (MCP_OAUTH_INTROSPECTION_URL)"),
      clientId,
      clientSecret,
    };
  }
  return choice;
}

/**
 * A URL tokens or keys travel to or are checked against: absolute, no fragment, no credentials, and https — plain
 * http only on a loopback address (a provider on the same machine, as in tests). The text is kept as given: `iss`
 * and `aud` are compared exactly.
 */
export function webUrl(text: string, label: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${label} must be an absolute URL (https://…), got "${text}"`);
  }
  if (url.hash || url.username || url.password) {
    throw new UsageError(`${label} must not carry a #fragment or user:password, got "${text}"`);
  }
  if (url.protocol === "https:") return text;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return text;
  throw new UsageError(`${label} must use https (http only on a loopback address), got "${text}"`);
}
