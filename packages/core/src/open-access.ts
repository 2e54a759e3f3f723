// The access settings a bin chose, made real: the policy file read, the authenticator built (jose and the OAuth
// verifier loaded only for `--auth oauth`), the limits set. Loaded only when a server serves HTTP.
import { readFile } from "node:fs/promises";
import type { AccessChoice } from "./access-options.js";
import type { Authenticator } from "./auth.js";
import { EMPTY_POLICY, parsePolicy, type RolePolicy } from "./auth-roles.js";
import type { CallerLimitSettings } from "./caller-limits.js";
import { UsageError } from "./cli-options.js";
import type { Logger } from "./logger.js";

/** Authentication, roles and limits, ready for serveHttp; `reload` re-reads the files (on SIGHUP). */
export interface OpenedAccess {
  auth: Authenticator;
  /** Live: a reload replaces its contents, so whoever holds it sees the new roles. */
  policy: RolePolicy;
  limits: CallerLimitSettings;
  /** Re-read the policy and tokens files; a file that no longer parses leaves everything as it was, and throws. */
  reload(): Promise<void>;
}

async function readPolicy(file: string): Promise<RolePolicy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--auth-policy (MCP_AUTH_POLICY): cannot read ${file}: ${(error as Error).message}`);
  }
  return parsePolicy(text, file);
}

/** Read the files and build the authenticator the choice names; a bad file is a UsageError naming it. */
export async function openAccess(choice: AccessChoice, logger: Logger): Promise<OpenedAccess> {
  const policy: { roles: RolePolicy["roles"]; scopes: RolePolicy["scopes"] } = { ...EMPTY_POLICY };
  try {
    if (choice.policyFile) Object.assign(policy, await readPolicy(choice.policyFile));
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
  const auth = await authenticator(choice, policy, logger);
  return {
    auth,
    policy,
    limits: {
      ...(choice.rate ? { rate: choice.rate } : {}),
      ...(choice.maxConcurrent ? { maxConcurrent: choice.maxConcurrent } : {}),
    },
    async reload() {
      const before = { ...policy };
      if (choice.policyFile) Object.assign(policy, await readPolicy(choice.policyFile));
      try {
        await auth.reload?.();
      } catch (error) {
        Object.assign(policy, before);
        throw error;
      }
    },
  };
}

/** Below this, a shared token is named as guessable at start-up (`openssl rand -hex 16` gives 32). */
export const MIN_TOKEN_CHARS = 32;

async function authenticator(choice: AccessChoice, policy: RolePolicy, logger: Logger): Promise<Authenticator> {
  const auth = choice.auth;
  const { sharedTokenAuthenticator, tokensFileAuthenticator, oauthAuthenticator } = await import("./auth.js");
  switch (auth.mode) {
    case "token":
      if (auth.token.length < MIN_TOKEN_CHARS) {
        logger.warn(
          `MCP_AUTH_TOKEN is ${auth.token.length} characters: whoever reaches the port can try to guess one so short; use ${MIN_TOKEN_CHARS} or more random characters (openssl rand -hex 32)`,
        );
      }
      return sharedTokenAuthenticator(auth.token);
    case "tokens":
      try {
        return await tokensFileAuthenticator(auth.file, policy);
      } catch (error) {
        throw new UsageError(`--tokens-file (MCP_AUTH_TOKENS_FILE): ${(error as Error).message}`);
      }
    case "oauth": {
      const oauth = await oauthAuthenticator(
        {
          issuer: auth.issuer,
          resource: auth.resource,
          ...(auth.audience ? { audience: auth.audience } : {}),
          ...(auth.introspection ? { introspection: auth.introspection } : {}),
        },
        policy,
      );
      // Find the issuer's keys now, so a wrong --issuer shows at start-up; an issuer that is down is tried again
      // on the first token.
      oauth.prepare?.().then(
        () => logger.info(`accepting access tokens from ${auth.issuer} for ${auth.resource}`),
        (error: Error) => logger.warn(`${error.message}; tokens will be refused until the issuer answers`),
      );
      return oauth;
    }
  }
}
