import type { AuthInfo } from "@modelcontextprotocol/server";

/** Who is calling, as the server's checks and its audit trail see them. */
export interface Caller {
  /** What limits are kept per: the token's subject (or client), or the named token's name. */
  id: string;
  sub?: string;
  clientId?: string;
  tokenName?: string;
  roles: ReadonlySet<string>;
}

/** The tools, prompts and resources the gate found the caller's roles allow (none set: everything). */
export function allowedOf(authInfo: AuthInfo | undefined): ReadonlySet<string> | undefined {
  return authInfo?.extra?.allowed as ReadonlySet<string> | undefined;
}

/** The caller an AuthInfo stands for (the authenticators put it there). */
export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  return authInfo?.extra?.caller as Caller | undefined;
}
