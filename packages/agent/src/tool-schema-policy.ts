/**
 * Which listed tools the Messages API will take, and the agent can call. Pure. The API refuses the whole request over
 * one tool it cannot use, so a server's malformed tool would break every turn: such a tool is left out, and the
 * reason named. So is a tool that must run as a task, whose every call the agent would make would fail.
 */

/** Keywords the API refuses at the top of an input_schema ("input_schema does not support oneOf, allOf, or anyOf"). */
const TOP_LEVEL_COMBINERS = ["oneOf", "anyOf", "allOf"] as const;

/**
 * Why a schema is not valid JSON Schema 2020-12 — the first error of a check against its meta-schema, as
 * "data/properties/a/type must be …" (Ajv's words) — or undefined when it is valid.
 */
export type MetaSchemaCheck = (schema: Record<string, unknown>) => string | undefined;

/**
 * Why the Messages API would refuse this listed tool, as the end of "tool X left out: …"; undefined when it
 * would not. The top of the schema is judged here (a union under a property is allowed); with `check`, the whole
 * schema against JSON Schema 2020-12, which the API requires whatever `$schema` a server declares
 * ("input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12").
 */
export function toolSchemaProblem(listed: unknown, check?: MetaSchemaCheck): string | undefined {
  const tool = listed as
    | { name?: unknown; inputSchema?: unknown; execution?: { taskSupport?: unknown } }
    | null
    | undefined;
  if (typeof tool?.name !== "string") return "it has no name";
  // The agent calls tools plainly; the server refuses such a call ("requires task augmentation").
  if (tool.execution?.taskSupport === "required") {
    return 'it runs only as a task (execution.taskSupport "required"), and this agent does not call tools as tasks';
  }
  const schema = tool.inputSchema as Record<string, unknown> | null | undefined;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema) || schema.type !== "object") {
    return 'its inputSchema is not a JSON Schema of type "object"';
  }
  const combiners = TOP_LEVEL_COMBINERS.filter((k) => k in schema);
  if (combiners.length > 0) {
    return `its inputSchema has ${combiners.join("/")} at the top level, which the Messages API refuses (a fix for the server: put the alternatives under a property)`;
  }
  const invalid = check?.(schema);
  if (invalid !== undefined) {
    return `its inputSchema is not valid JSON Schema 2020-12, which the Messages API requires (${invalid.replace(/^data(?=\/| )/, "inputSchema")}; a fix for the server)`;
  }
  return undefined;
}

/**
 * The first error in Ajv's text of all of them ("data/a must be array, data/b must be …"), leaving out `format`
 * ones: in 2020-12 a format only annotates, so the API does not hold a schema to it (a `pattern` in another regex
 * dialect is not a refusal). Undefined when nothing else is wrong.
 */
export function firstSchemaError(errorsText: string): string | undefined {
  return errorsText
    .split(/, (?=data[/ ])/)
    .find((error) => !/ must match format "/.test(error))
    ?.trim();
}
