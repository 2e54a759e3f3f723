type Json = Record<string, unknown>;

// Tool schemas as JSON Schema that every client takes: portable() makes a compiled schema so (schema.ts), and
// portabilityProblems() finds what in a schema would not be, for the tests that check every tool.

/**
 * A copy of a JSON Schema without `$schema` keys, with every `type: [a, b]` rewritten as `anyOf`, and without
 * clauses that say nothing (`additionalProperties: {}`, string `propertyNames`, nested empty `properties`): every
 * byte of a tool definition is in the model's context in every conversation. An array keeps its `items`, `{}` when
 * they may be anything: OpenAI's function calling, Gemini and VS Code refuse a tool with an array that has none.
 */
export function portable(schema: Json, root = true): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$schema") continue;
    if (key === "additionalProperties" && isEmptyObject(value)) continue;
    if (key === "propertyNames" && isPlainString(value)) continue;
    if (key === "properties" && !root && isEmptyObject(value)) continue;
    out[key] = portableValue(value);
  }
  if (Array.isArray(out.type)) {
    const types = out.type as unknown[];
    delete out.type;
    const members = types.map((type) => (type === "array" ? { type, items: {} } : { type }));
    out.anyOf = Array.isArray(out.anyOf) ? [...(out.anyOf as unknown[]), ...members] : members;
  } else if (out.type === "array" && !("items" in out) && !("prefixItems" in out)) {
    out.items = {};
  }
  return out;
}

function portableValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(portableValue);
  if (value && typeof value === "object") return portable(value as Json, false);
  return value;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

function isPlainString(value: unknown): boolean {
  return JSON.stringify(value) === '{"type":"string"}';
}

/**
 * What would make a tool's JSON Schema hard for some clients: a property or union member with no `type` (nor an
 * `enum`, a `const` or typed `anyOf`/`oneOf` members), a `type` array anywhere, or an array with no `items`. The
 * items of an array and the values of a map may be any JSON (`{}`). Empty when the schema is portable.
 */
export function portabilityProblems(schema: Json): string[] {
  const problems: string[] = [];
  const visit = (node: Json, where: string, needsType: boolean): void => {
    if (Array.isArray(node.type)) problems.push(`${where}: type is an array (${JSON.stringify(node.type)})`);
    else if (needsType && !hasType(node)) problems.push(`${where}: no type`);
    if (node.type === "array" && !node.items && !node.prefixItems) problems.push(`${where}: an array with no items`);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      visit(child, `${where}.${name}`, true);
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const members = node[key];
      if (!Array.isArray(members)) continue;
      for (const [i, member] of members.entries()) visit(member as Json, `${where}.${key}[${i}]`, true);
    }
    if (node.items && typeof node.items === "object") visit(node.items as Json, `${where}[]`, false);
    if (node.additionalProperties && typeof node.additionalProperties === "object") {
      visit(node.additionalProperties as Json, `${where}{}`, false);
    }
  };
  visit(schema, "$", false);
  return problems;
}

function hasType(schema: Json): boolean {
  if (typeof schema.type === "string" || "enum" in schema || "const" in schema) return true;
  return ["anyOf", "oneOf"].some((key) => {
    const members = schema[key];
    return Array.isArray(members) && members.length > 0 && members.every((m) => hasType(m as Json));
  });
}
