// The access settings a bin chose, made real: the policy file read, the authenticator built (jose and the OAuth
// verifier loaded only for `--auth oauth`), the limits set. Loaded only when a server serves HTTP.
import { readFile } from "node:fs/promises";
import type { AccessChoice } from "./access-options.js";
import type { Authenticator } from "./auth.js";
import { EMPTY_POLICY, type Offered, parsePolicy, type RolePolicy } from "./auth-roles.js";
import type { CallerLimitSettings } from "./caller-limits.js";
import { UsageError } from "./cli-options.js";
import type { Logger } from "./logger.js";
import { misspeltPolicyName } from "./policy-names.js";
import { shortTokenWarning } from "./token-length.js";

/** Authentication, roles and limits, ready for serveHttp; `reload` re-reads the files (on SIGHUP). */
export interface OpenedAccess {
  auth: Authenticator;
  /** Live: a reload replaces its contents, so whoever holds it sees the new roles. */
  policy: RolePolicy;
  limits: CallerLimitSettings;
  /** Re-read the policy and tokens files; a file that no longer parses leaves everything as it was, and throws. */
  reload(): Promise<void>;
  /**
   * What the server offers, once it is known: a policy role naming something close to it but not it (a typo) is
   * refused now (UsageError) and on every reload (which then keeps the previous policy, and throws).
   */
  checkNames(offered: readonly Offered[]): void;
}

async function readPolicy(file: string): Promise<RolePolicy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--auth-policy (MCP_AUTH_POLICY): cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parsePolicy(text, file);
  } catch (error) {
    throw new UsageError(`--auth-policy (MCP_AUTH_POLICY): ${(error as Error).message}`);
  }
}

/** The setting that names the tokens file, as what is said about the file starts. */
const TOKENS_FILE = "--tokens-file (MCP_AUTH_TOKENS_FILE)";

/** A tokens file that cannot be read or parsed, at start or at SIGHUP, said with the setting that names it. */
function tokensFileProblem(error: unknown): UsageError {
  return new UsageError(`${TOKENS_FILE}: ${(error as Error).message}`);
}

/** Read the files and build the authenticator the choice names; a bad file is a UsageError naming it. */
export async function openAccess(choice: AccessChoice, logger: Logger): Promise<OpenedAccess> {
  const policy: RolePolicy = { ...EMPTY_POLICY };
  // Only OAuth tokens carry claims: a named or shared token's policy that names some is told it grants nothing by them.
  const unread = (candidate: RolePolicy) => {
    if (choice.auth.mode !== "oauth" && candidate.claims?.length) {
      logger.warn(
        `--auth-policy (MCP_AUTH_POLICY) ${choice.policyFile}: "claims" and "groups" are read from OAuth access tokens only; with --auth ${choice.auth.mode} they grant nothing`,
      );
    }
  };
  if (choice.policyFile) Object.assign(policy, await readPolicy(choice.policyFile));
  unread(policy);
  const auth = await authenticator(choice, policy, logger);
  let offered: readonly Offered[] = [];
  const misspelt = (candidate: RolePolicy) => {
    const problem = misspeltPolicyName(candidate, offered);
    if (problem) throw new UsageError(`--auth-policy (MCP_AUTH_POLICY) ${choice.policyFile}: ${problem}`);
  };
  return {
    auth,
    policy,
    limits: {
      ...(choice.rate ? { rate: choice.rate } : {}),
      ...(choice.maxConcurrent ? { maxConcurrent: choice.maxConcurrent } : {}),
      ...(choice.maxStreams ? { maxStreams: choice.maxStreams } : {}),
      // The stream cap has a default: its refusal names the flag that would change it even when none was given.
      names: { maxStreams: "--max-streams-per-caller", ...choice.limitNames },
    },
    async reload() {
      const before = { ...policy };
      if (choice.policyFile) {
        const next = await readPolicy(choice.policyFile);
        misspelt(next);
        unread(next);
        Object.assign(policy, next);
      }
      try {
        await auth.reload?.().catch((error: unknown) => {
          throw choice.auth.mode === "tokens" ? tokensFileProblem(error) : error;
        });
      } catch (error) {
        Object.assign(policy, before);
        throw error;
      }
    },
    checkNames(names) {
      offered = names;
      misspelt(policy);
    },
  };
}

async function authenticator(choice: AccessChoice, policy: RolePolicy, logger: Logger): Promise<Authenticator> {
  const auth = choice.auth;
  const { sharedTokenAuthenticator, tokensFileAuthenticator } = await import("./auth.js");
  switch (auth.mode) {
    case "token": {
      const short = shortTokenWarning(auth.token, "MCP_AUTH_TOKEN");
      if (short) logger.warn(short);
      return sharedTokenAuthenticator(auth.token);
    }
    case "tokens":
      try {
        return await tokensFileAuthenticator(auth.file, policy, (message) => logger.warn(`${TOKENS_FILE}: ${message}`));
      } catch (error) {
        throw tokensFileProblem(error);
      }
    case "oauth": {
      const { oauthAuthenticator } = await import("./auth-oauth-authenticator.js");
      const oauth = await oauthAuthenticator(
        {
          issuer: auth.issuer,
          resource: auth.resource,
          ...(auth.audience ? { audience: auth.audience } : {}),
          ...(auth.allowUntypedJwt ? { allowUntypedJwt: true } : {}),
          ...(auth.introspection ? { introspection: auth.introspection } : {}),
        },
        policy,
      );
      // The audience tokens are checked for: --audience when set (Entra's application ID), else the resource.
      const audience = auth.audience
        ? `audience ${auth.audience} (--audience), resource ${auth.resource}`
        : auth.resource;
      await checkIssuer(oauth, `${auth.issuer} for ${audience}`, logger);
      return oauth;
    }
  }
}

/** How long start-up waits for the issuer's metadata before it goes on and lets the first token try again. */
export const ISSUER_START_WAIT_MS = 5000;

/**
 * Ask the issuer now, so a wrong --issuer or refused introspection credentials stop start-up (exit 2) instead of a
 * server that answers its health check and refuses every call. An issuer that is down or slow is only warned about:
 * the server starts, answers 503 with Retry-After while it cannot check tokens, and tries again on the next one. A
 * misconfiguration found after start-up went on is logged as an error, with the fix.
 */
export async function checkIssuer(
  oauth: Authenticator,
  issuer: string,
  logger: Logger,
  waitMs: number = ISSUER_START_WAIT_MS,
): Promise<void> {
  const [{ IssuerMisconfigured }, { IntrospectionRefused, IntrospectionUnavailable }] = await Promise.all([
    import("./auth-oauth-issuer.js"),
    import("./introspection-probe.js"),
  ]);
  // JWTs are checked with the issuer's keys; only opaque tokens go to the introspection endpoint.
  const refused = (error: Error) =>
    error instanceof IntrospectionRefused || error instanceof IntrospectionUnavailable ? "opaque tokens" : "tokens";
  const unavailable = (error: Error) =>
    error instanceof IntrospectionUnavailable
      ? `${error.message}; opaque tokens will be refused (503) until it answers (JWTs are checked meanwhile)`
      : `${error.message}; tokens will be refused (503) until the issuer answers`;
  const prepared = oauth.prepare?.();
  if (!prepared) return;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<"waiting">((resolve) => {
    timer = setTimeout(() => resolve("waiting"), waitMs).unref();
  });
  try {
    if ((await Promise.race([prepared, waited])) === "waiting") {
      logger.warn(`${issuer}: the issuer has not answered in ${waitMs} ms; starting anyway`);
      prepared.then(
        () => logger.info(`accepting access tokens from ${issuer}`),
        (error: Error) => {
          if (!(error instanceof IssuerMisconfigured)) return logger.warn(unavailable(error));
          logger.error(
            `${error.message}; the server started before this was known: ${refused(error)} are refused until it is fixed`,
          );
        },
      );
      return;
    }
    logger.info(`accepting access tokens from ${issuer}`);
  } catch (error) {
    if (error instanceof IssuerMisconfigured) throw new UsageError(error.message);
    logger.warn(unavailable(error as Error));
  } finally {
    clearTimeout(timer);
  }
}
