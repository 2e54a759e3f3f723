// What to do about a --login the authorization server or the MCP server refused, when the refusal shows it: a scope
// it will not grant, a resource URL other than the one in mcp.json, no dynamic registration. Pure: from the failure's
// text (the SDK's message or the provider's error), the server's name and its configured scope.

/**
 * When the authorization server refused the scopes asked for (`invalid_scope`, or a registration whose scope it does
 * not support), where they came from and how to ask for others; "" for any other failure.
 */
function scopeHint(failure: string, name: string, configured: string | undefined): string {
  if (!/invalid_scope/.test(failure) && !/invalid_client_metadata.*scope/.test(failure)) return "";
  return configured !== undefined
    ? `; the scope asked for is ${name}'s oauth.scope in mcp.json ("${configured}"): set it to scopes the authorization server grants this client`
    : `; the scope asked for is every scope in ${name}'s metadata (scopes_supported): set oauth.scope in its mcp.json entry to those the authorization server grants this client`;
}

/** When the authorization server takes no dynamic registration, how to name a client registered ahead; else "". */
function registrationHint(failure: string, name: string): string {
  if (!/does not support dynamic client registration/.test(failure)) return "";
  return `; register a client for this agent with the provider (its redirect URI http://127.0.0.1:<port>/callback) and name it in ${name}'s mcp.json entry: "oauth": {"clientId": "…", "callbackPort": <port>}, with "clientSecret" if it has one`;
}

/**
 * When the server's metadata names another URL as its resource than the one in mcp.json (localhost for 127.0.0.1, a
 * proxy's name), which one to use; "" for any other failure.
 */
function resourceHint(failure: string, name: string): string {
  const named = /Protected resource (\S+) does not match expected (\S+)/.exec(failure);
  if (!named) return "";
  return `; ${name}'s url must be the one the server names as its resource: set it to ${named[1]} in the servers file (or, if that is not how clients reach the server, fix the server's --resource)`;
}

/** The first hint that fits the failure, or "" when none does. */
export function loginFailureHint(failure: string, name: string, scope: string | undefined): string {
  return scopeHint(failure, name, scope) || resourceHint(failure, name) || registrationHint(failure, name);
}
