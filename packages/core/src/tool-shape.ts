// Whether a tool's schemas are zod 4's, checked when the tool is registered. A field from zod 3 (a project whose own
// `zod` is 3.x) or a plain value is taken as it is and breaks only later, when the first client lists the tools: the
// whole tools/list then fails with "Cannot read properties of undefined (reading 'def')", every tool with it.

/** Why a tool's input or output shape is not one of zod 4 schemas, naming the field; undefined when it is. */
export function shapeProblem(
  toolName: string,
  which: "inputSchema" | "outputSchema",
  shape: unknown,
): string | undefined {
  if (typeof shape !== "object" || shape === null || Array.isArray(shape)) {
    return `tool ${toolName}: ${which} must be an object of zod 4 schemas ({ path: z.string() }), got ${shapeKind(shape)}`;
  }
  if ("_zod" in shape || "_def" in shape) {
    return `tool ${toolName}: ${which} is a zod schema; give its fields instead, as an object of zod 4 schemas ({ path: z.string() }, or z.object(…).shape)`;
  }
  for (const [field, schema] of Object.entries(shape)) {
    if (typeof schema === "object" && schema !== null && "_zod" in schema) continue;
    const zod3 = typeof schema === "object" && schema !== null && "_def" in schema;
    return `tool ${toolName}: ${which}.${field} is ${zod3 ? "a zod 3 schema" : shapeKind(schema)}, not a zod 4 schema: define it with zod 4, the project "zod" at ^4.6 that @mcp-toolkit/core uses too`;
  }
  return undefined;
}

function shapeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : `a value of type ${typeof value}`;
}

/** Throw shapeProblem's TypeError for a tool whose input or output shape is not zod 4's, before it is registered. */
export function checkToolShapes(tool: { name: string; inputSchema: unknown; outputSchema?: unknown }): void {
  const problem =
    shapeProblem(tool.name, "inputSchema", tool.inputSchema) ??
    (tool.outputSchema === undefined ? undefined : shapeProblem(tool.name, "outputSchema", tool.outputSchema));
  if (problem) throw new TypeError(problem);
}
