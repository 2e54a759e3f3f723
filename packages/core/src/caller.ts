import type { AuthInfo } from "@modelcontextprotocol/server";

/** Who is calling, as the server's checks and its audit trail see them. */
export interface Caller {
  /** What limits are kept per: the token's subject (or client), or the named token's name. */
  id: string;
  sub?: string;
  clientId?: string;
  tokenName?: string;
  roles: ReadonlySet<string>;
  /** One token everyone holds (MCP_AUTH_TOKEN): what clients keep open (sessions, streams) is counted per address. */
  shared?: true;
}

/**
 * Whom the sessions and listen streams a client keeps open are counted for: its caller, or for a shared token, the
 * address it connects from (behind a proxy, the proxy's, unless trusted to name the client: client-address.ts).
 */
export function holderOf(caller: Caller | undefined, address: string | undefined): string {
  if (!caller) return `address ${address ?? "unknown"}`;
  return caller.shared ? `${caller.id} from ${address ?? "unknown"}` : caller.id;
}

/** The tools, prompts and resources the gate found the caller's roles allow (none set: everything). */
export function allowedOf(authInfo: AuthInfo | undefined): ReadonlySet<string> | undefined {
  return authInfo?.extra?.allowed as ReadonlySet<string> | undefined;
}

/** The caller an AuthInfo stands for (the authenticators put it there). */
export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  return authInfo?.extra?.caller as Caller | undefined;
}
