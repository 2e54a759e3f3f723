// Who may call a remote server, and how much: the bins' options for authentication (one token, named tokens with
// roles, OAuth), custom roles, per-caller limits and the audit trail. `selectAccess` judges the options without
// touching a file or the network; `openAccess` then reads the files and loads the code a mode needs — the OAuth
// verifier and jose, the policy parser — only when that mode is chosen, so a plain token server starts as before.

import { CALLER_MIN_BURST, STREAMS_PER_CALLER } from "./caller-limits.js";
import { type CliValues, type OptionSpec, UsageError } from "./cli-options.js";
import { isLoopbackHost } from "./http-guard.js";
import { parseRateLimit, type RateLimit } from "./rate-limit.js";
import { wholeNumberOption } from "./whole-number.js";

export const ACCESS_OPTIONS = {
  auth: {
    type: "string",
    env: "MCP_AUTH",
    valueName: "token|tokens|oauth",
    description:
      "HTTP: how callers authenticate: one shared token (MCP_AUTH_TOKEN), named tokens with roles (--tokens-file) or OAuth access tokens (--issuer). Default: the one whose setting is given.",
  },
  "tokens-file": {
    type: "string",
    env: "MCP_AUTH_TOKENS_FILE",
    valueName: "FILE",
    description: 'HTTP: named tokens with roles, {"tokens": [{"name", "sha256", "roles"}]}; re-read on SIGHUP.',
  },
  issuer: {
    type: "string",
    env: "MCP_OAUTH_ISSUER",
    valueName: "URL",
    description: "HTTP --auth oauth: the authorization server whose access tokens are accepted, exactly as their iss.",
  },
  resource: {
    type: "string",
    env: "MCP_OAUTH_RESOURCE",
    valueName: "URL",
    description:
      "HTTP --auth oauth: this server's URL as clients reach it (https://mcp.example.com/mcp); tokens must name it in aud.",
  },
  audience: {
    type: "string",
    env: "MCP_OAUTH_AUDIENCE",
    valueName: "AUD",
    description:
      "HTTP --auth oauth: the aud tokens carry, where the provider cannot use --resource (Entra ID: the API's application ID).",
  },
  "introspection-url": {
    type: "string",
    env: "MCP_OAUTH_INTROSPECTION_URL",
    valueName: "URL",
    description:
      "HTTP --auth oauth: RFC 7662 endpoint for opaque tokens, called with MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET.",
  },
  "auth-policy": {
    type: "string",
    env: "MCP_AUTH_POLICY",
    valueName: "FILE",
    description: 'HTTP: custom roles and the scopes granting them, {"roles": {…}, "scopes": {…}}; re-read on SIGHUP.',
  },
  "caller-rate-limit": {
    type: "string",
    env: "MCP_RATE_LIMIT",
    valueName: "RATE",
    description: `HTTP: requests per caller, e.g. 120/min or 5/s,burst=20 (default burst: ${CALLER_MIN_BURST}, or a second's worth if more); notifications are free; more get 429 with Retry-After.`,
  },
  "max-concurrent-per-caller": {
    type: "string",
    env: "MCP_MAX_CONCURRENT_PER_CALLER",
    valueName: "N",
    description: "HTTP: calls one caller may have running; one more gets 429 with Retry-After: 1 at once.",
  },
  "max-streams-per-caller": {
    type: "string",
    env: "MCP_MAX_STREAMS_PER_CALLER",
    valueName: "N",
    description: `HTTP: listen streams one caller (a shared token: one address) may hold open (subscriptions/listen, --stateful GET streams); one more gets 429. Default ${STREAMS_PER_CALLER}.`,
  },
  "audit-log": {
    type: "string",
    env: "MCP_AUDIT_LOG",
    valueName: "FILE|stderr",
    description:
      "One JSON line per request (stdio too): who, what, how it ended; a file is appended, reopened on SIGHUP.",
  },
} as const satisfies Record<string, OptionSpec>;

/** How HTTP callers authenticate. */
export type AuthChoice =
  | { mode: "token"; token: string }
  | { mode: "tokens"; file: string }
  | {
      mode: "oauth";
      issuer: string;
      resource: string;
      audience?: string;
      introspection?: { url: string; clientId: string; clientSecret: string };
    };

/** Who may call, with which roles, how much. */
export interface AccessChoice {
  auth: AuthChoice;
  policyFile?: string;
  rate?: RateLimit;
  maxConcurrent?: number;
  maxStreams?: number;
  /** The setting each limit came from, as refusals name it: the flag, or the variable when it came from there. */
  limitNames?: { rate?: string; maxConcurrent?: string; maxStreams?: string };
}

type AccessValues = CliValues<typeof ACCESS_OPTIONS>;

/** Decide authentication, roles and limits from options and the environment; throws UsageError in one line. */
export function selectAccess(values: AccessValues, env: Record<string, string | undefined>): AccessChoice {
  const choice: AccessChoice = { auth: selectAuth(values, env) };
  const policyFile = values["auth-policy"]?.trim();
  if (policyFile) choice.policyFile = policyFile;
  try {
    const rate = parseRateLimit(values["caller-rate-limit"], CALLER_MIN_BURST);
    if (rate) choice.rate = rate;
  } catch (error) {
    throw new UsageError(`--caller-rate-limit (MCP_RATE_LIMIT): ${(error as Error).message}`);
  }
  if (values["max-concurrent-per-caller"]?.trim()) {
    choice.maxConcurrent = wholeNumberOption(ACCESS_OPTIONS, values, "max-concurrent-per-caller", { min: 1 });
  }
  if (values["max-streams-per-caller"]?.trim()) {
    choice.maxStreams = wholeNumberOption(ACCESS_OPTIONS, values, "max-streams-per-caller", { min: 1 });
  }
  const names = {
    ...(choice.rate ? { rate: settingInForce(values, env, "caller-rate-limit") } : {}),
    ...(choice.maxConcurrent ? { maxConcurrent: settingInForce(values, env, "max-concurrent-per-caller") } : {}),
    ...(choice.maxStreams ? { maxStreams: settingInForce(values, env, "max-streams-per-caller") } : {}),
  };
  if (names.rate || names.maxConcurrent || names.maxStreams) choice.limitNames = names;
  return choice;
}

/**
 * The setting a value came from: its variable when the value is the environment's (the flag, given, wins over the
 * variable, so a value equal to the variable's came from it or says the same), else the flag.
 */
function settingInForce(
  values: AccessValues,
  env: Record<string, string | undefined>,
  key: "caller-rate-limit" | "max-concurrent-per-caller" | "max-streams-per-caller",
): string {
  const variable = ACCESS_OPTIONS[key].env;
  return variable && env[variable] !== undefined && env[variable] === values[key] ? variable : `--${key}`;
}

function selectAuth(values: AccessValues, env: Record<string, string | undefined>): AuthChoice {
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
  const oauthOnly = (["resource", "audience", "introspection-url"] as const)
    .filter((key) => values[key]?.trim())
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
