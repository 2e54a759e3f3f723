// A raw JSON-RPC POST to an MCP endpoint with a bearer token, as a client sends it, for the tests that read the raw
// answer (its status, its challenge header).

/** POST `body` as JSON to `url` with `token`, accepting JSON or SSE, plus any `headers`. */
export function bearerPost(url: URL | string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${token}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}
