/**
 * Which listed tools the Messages API will take. Pure. The API refuses the whole request over one tool it cannot
 * use, so a server's malformed tool would break every turn: such a tool is left out, and the reason named.
 */

/** Keywords the API refuses at the top of an input_schema ("input_schema does not support oneOf, allOf, or anyOf"). */
const TOP_LEVEL_COMBINERS = ["oneOf", "anyOf", "allOf"] as const;

/**
 * Why the Messages API would refuse this listed tool, as the end of "tool X left out: …"; undefined when it
 * would not. Only the top of the schema is judged: a union under a property is allowed.
 */
export function toolSchemaProblem(listed: unknown): string | undefined {
  const tool = listed as { name?: unknown; inputSchema?: unknown } | null | undefined;
  if (typeof tool?.name !== "string") return "it has no name";
  const schema = tool.inputSchema as Record<string, unknown> | null | undefined;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema) || schema.type !== "object") {
    return 'its inputSchema is not a JSON Schema of type "object"';
  }
  const combiners = TOP_LEVEL_COMBINERS.filter((k) => k in schema);
  if (combiners.length > 0) {
    return `its inputSchema has ${combiners.join("/")} at the top level, which the Messages API refuses (a fix for the server: put the alternatives under a property)`;
  }
  return undefined;
}
