import type { MetaSchemaCheck } from "./tool-schema-policy.js";
import { firstSchemaError } from "./tool-schema-policy.js";

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

let loading: Promise<MetaSchemaCheck> | undefined;

/**
 * A check of a schema against the JSON Schema 2020-12 meta-schema, with the SDK's bundled Ajv. Made on first use and
 * kept: loading Ajv and compiling the meta-schema take about 50 ms, paid only by a run with a server from mcp.json
 * (the built-in servers' schemas are ours).
 */
export function metaSchemaCheck(): Promise<MetaSchemaCheck> {
  loading ??= (async () => {
    const { AjvJsonSchemaValidator } = await import("@modelcontextprotocol/client/validators/ajv");
    const validate = new AjvJsonSchemaValidator().getValidator({ $ref: DRAFT_2020_12 });
    return (schema) => {
      const result = validate(schema);
      return result.valid ? undefined : firstSchemaError(result.errorMessage ?? "is invalid");
    };
  })();
  return loading;
}

/** The check a server's tool schemas get: none for a built-in server, whose schemas are ours; else metaSchemaCheck. */
export async function schemaCheckFor(spec: { builtin?: boolean | undefined }): Promise<MetaSchemaCheck | undefined> {
  return spec.builtin ? undefined : metaSchemaCheck();
}
