// Who may call a remote server, and how much: the bins' options for authentication (one token, named tokens with
// roles, OAuth), custom roles, per-caller limits and the audit trail, and what they are turned into. `selectAccess`
// (access-select.ts, the mode in auth-select.ts) judges the options without touching a file or the network;
// `openAccess` then reads the files and loads the code a mode needs — the OAuth verifier and jose, the policy parser
// — only when that mode is chosen, so a plain token server starts as before.

import { CALLER_MIN_BURST, STREAMS_PER_CALLER } from "./caller-limits.js";
import type { CliValues, OptionSpec } from "./cli-options.js";
import type { RateLimit } from "./rate-limit.js";

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
  "allow-untyped-jwt": {
    type: "boolean",
    env: "MCP_OAUTH_ALLOW_UNTYPED_JWT",
    description:
      "HTTP --auth oauth: take JWTs with no typ or typ JWT as access tokens too (Keycloak, Entra ID, Okta); default only typ at+jwt (RFC 9068).",
  },
  "auth-policy": {
    type: "string",
    env: "MCP_AUTH_POLICY",
    valueName: "FILE",
    description:
      'HTTP: custom roles and the scopes (or token claims\' groups) granting them, {"roles", "scopes", "claims", "groups"}; re-read on SIGHUP.',
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
      allowUntypedJwt?: true;
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

/** The access options as parsed from argv and the environment. */
export type AccessValues = CliValues<typeof ACCESS_OPTIONS>;
