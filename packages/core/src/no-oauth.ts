// A server that takes bearer tokens (MCP_AUTH_TOKEN or a tokens file) has no OAuth to offer, yet OAuth clients
// (mcp-remote, Claude Code) answer its 401 by looking for one: the metadata, then POST /register at the origin. The
// SDK shows the user only that last answer ("Dynamic Client Registration rejected (HTTP 404): …"), so that answer
// says what to send instead. It is shaped as an OAuth error (RFC 6749 §5.2) since those clients parse it as one.

/** Whether `pathname` is one an OAuth client asks a server for while looking for its sign-in (RFC 8414, 9728, 7591). */
export function isOAuthDiscoveryPath(pathname: string): boolean {
  return (
    pathname.startsWith("/.well-known/oauth-") ||
    pathname.endsWith("/.well-known/openid-configuration") ||
    ["/register", "/authorize", "/token"].includes(pathname)
  );
}

/** The 404 body for an OAuth client at a token-protected endpoint `endpoint` (the MCP path): send the token. */
export function noOAuthAnswer(endpoint: string): { error: string; error_description: string } {
  return {
    error: "not_found",
    error_description:
      `this server does not use OAuth, so there is no sign-in or client registration (a missing or wrong token sent ` +
      `this client here): send its bearer token with every request to ${endpoint}, in the header ` +
      `Authorization: Bearer <token> (with mcp-remote: ` +
      `--header "Authorization:Bearer \${TOKEN}", TOKEN in its env)`,
  };
}
