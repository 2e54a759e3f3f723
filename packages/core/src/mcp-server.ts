import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";

/** Name, version and optional instructions for a new server. */
export interface ServerInfo {
  name: string;
  version: string;
  /** Guidance the client may add to the model's system prompt. */
  instructions?: string;
}

/**
 * A new McpServer that builds its JSON Schema validator (Ajv, only used to check elicitation replies) on
 * first use instead of at construction, which keeps several milliseconds off every cold start.
 */
export function createMcpServer(info: ServerInfo): McpServer {
  let ajv: AjvJsonSchemaValidator | undefined;
  const lazyValidator: jsonSchemaValidator = {
    getValidator(schema) {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
  return new McpServer(
    { name: info.name, version: info.version },
    { jsonSchemaValidator: lazyValidator, ...(info.instructions ? { instructions: info.instructions } : {}) },
  );
}
