import type { Writable } from "node:stream";
import { oneLine } from "./render.js";
import { printableJson } from "./terminal-text.js";
import type { ToolCatalog } from "./tools.js";

/** Print the namespaced tools (one line each, or JSON with their schemas) for --list-tools. */
export function listTools(catalog: ToolCatalog, out: Writable, json: boolean): void {
  if (json) {
    const tools = catalog.entries.map((e) => ({
      name: e.apiName,
      server: e.server,
      tool: e.tool,
      description: e.description,
      readOnly: e.source.annotations?.readOnlyHint === true,
      inputSchema: e.source.inputSchema,
    }));
    out.write(`${printableJson({ tools }, 2)}\n`);
    return;
  }
  const width = Math.max(0, ...catalog.entries.map((e) => e.apiName.length));
  for (const e of catalog.entries) {
    const ro = e.source.annotations?.readOnlyHint === true ? "ro" : "rw";
    out.write(`${e.apiName.padEnd(width)}  ${ro}  ${oneLine(e.description, 110)}\n`);
  }
  out.write(`${catalog.entries.length} tools\n`);
}
