// A raw 2026-07-28 `tools/list`, as a client sends it with no session: the per-request `_meta` envelope in the body,
// the revision and the method in headers. For the tests that read the raw answer (its cache hint, its schemas).

/** The headers that name the revision and the method. */
export const TOOLS_LIST_HEADERS = { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" };

/** The request's body. */
export const TOOLS_LIST_BODY = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/list",
  params: {
    _meta: {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
      "io.modelcontextprotocol/clientCapabilities": {},
    },
  },
};
