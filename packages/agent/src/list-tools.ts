import type { Writable } from "node:stream";
import { plural } from "@mcp-toolkit/core";
import { oneLine } from "./one-line.js";
import { resourceTools } from "./resource-tools.js";
import type { ServerPrompt } from "./server-prompts.js";
import type { ServerResource, ServerTemplate } from "./server-resources.js";
import { printableJson } from "./terminal-text.js";
import type { ToolCatalog } from "./tool-catalog.js";

/** Resources printed per server: a file server offers hundreds, which would bury the tools and prompts. */
export const RESOURCES_SHOWN = 20;

/** What the servers offer besides tools, for --list-tools. */
export interface Offered {
  resources: readonly ServerResource[];
  /** Resource templates (`sqlite://table/{name}`): a filled-in URI is attached or read like a resource's. */
  templates?: readonly ServerTemplate[];
  prompts: readonly ServerPrompt[];
}

/**
 * Print the namespaced tools (one line each, or JSON with their schemas) for --list-tools, then each server's
 * resources (the first RESOURCES_SHOWN of each in text; JSON has them all), resource templates and prompts.
 */
export function listTools(catalog: ToolCatalog, out: Writable, json: boolean, offered: Offered): void {
  const own = catalog.resourceServers.length > 0 ? resourceTools(catalog.resourceServers) : [];
  if (json) {
    const tools = [
      ...catalog.entries.map((e) => ({
        name: e.apiName,
        server: e.server,
        tool: e.tool,
        description: e.description,
        readOnly: e.source.annotations?.readOnlyHint === true,
        inputSchema: e.source.inputSchema,
      })),
      ...own.map((t) => ({
        name: t.name,
        server: "mcp",
        tool: t.name,
        description: t.description,
        readOnly: true,
        inputSchema: t.input_schema,
      })),
    ];
    const resources = offered.resources.map(({ server, resource: r }) => ({
      server,
      uri: r.uri,
      name: r.name,
      mimeType: r.mimeType,
      description: r.description,
    }));
    const prompts = offered.prompts.map(({ server, prompt: p }) => ({
      server,
      name: p.name,
      description: p.description,
      arguments: p.arguments ?? [],
    }));
    const resourceTemplates = (offered.templates ?? []).map(({ server, template: t }) => ({
      server,
      uriTemplate: t.uriTemplate,
      name: t.name,
      mimeType: t.mimeType,
      description: t.description,
    }));
    out.write(`${printableJson({ tools, resources, resourceTemplates, prompts }, 2)}\n`);
    return;
  }
  const rows = [
    ...catalog.entries.map((e) => ({
      name: e.apiName,
      ro: e.source.annotations?.readOnlyHint === true,
      description: e.description,
    })),
    ...own.map((t) => ({ name: t.name, ro: true, description: t.description ?? "" })),
  ];
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  for (const r of rows) out.write(`${r.name.padEnd(width)}  ${r.ro ? "ro" : "rw"}  ${oneLine(r.description, 110)}\n`);
  out.write(`${plural(rows.length, "tool")}\n`);
  const offers = [...offered.resources, ...(offered.templates ?? []), ...offered.prompts];
  for (const server of new Set(offers.map((o) => o.server))) {
    const resources = offered.resources.filter((r) => r.server === server);
    const templates = (offered.templates ?? []).filter((t) => t.server === server);
    const prompts = offered.prompts.filter((p) => p.server === server);
    const counts = [plural(resources.length, "resource"), plural(prompts.length, "prompt")];
    if (templates.length > 0) counts.splice(1, 0, plural(templates.length, "template"));
    out.write(`\n${oneLine(server, 40)}: ${counts.join(", ")}\n`);
    for (const { resource: r } of resources.slice(0, RESOURCES_SHOWN)) {
      out.write(`  @${oneLine(server, 40)}:${oneLine(r.uri, 100)}  ${oneLine(r.description ?? r.name, 90)}\n`);
    }
    const more = resources.length - RESOURCES_SHOWN;
    if (more > 0) out.write(`  … and ${more} more; --list-tools --json lists them all\n`);
    for (const { template: t } of templates) {
      const about = `(template: fill in {…}) ${t.description ?? t.name}`;
      out.write(`  @${oneLine(server, 40)}:${oneLine(t.uriTemplate, 100)}  ${oneLine(about, 90)}\n`);
    }
    for (const { prompt: p } of prompts) {
      const args = (p.arguments ?? []).map((a) => `${a.name}=…${a.required ? "" : "?"}`).join(" ");
      out.write(
        `  /${oneLine(server, 40)}:${oneLine(p.name, 60)}${args ? ` ${oneLine(args, 80)}` : ""}  ${oneLine(p.description ?? "", 90)}\n`,
      );
    }
  }
}
