import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { listTools, type Offered, RESOURCES_SHOWN } from "../src/list-tools.js";
import type { ServerTool } from "../src/servers.js";
import { ToolCatalog } from "../src/tool-catalog.js";

const readFile: ServerTool = {
  server: "file",
  name: "read_file",
  description: "Read a file.",
  inputSchema: { type: "object", properties: {} },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

/** `count` resources of `server`, repo:///f0.txt, repo:///f1.txt, … */
const resources = (server: string, count: number): Offered["resources"] =>
  Array.from({ length: count }, (_, i) => ({ server, resource: { uri: `repo:///f${i}.txt`, name: `f${i}.txt` } }));

/** What --list-tools prints for these offers, as lines. */
function printed(offered: Offered, json = false): string {
  const catalog = new ToolCatalog(
    [readFile],
    { readOnly: false, ask: false },
    { builtin: new Set(), toolSearch: "off" },
  );
  catalog.resourceServers = [...new Set(offered.resources.map((r) => r.server))];
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  listTools(catalog, out, json, offered);
  out.end();
  return text;
}

describe("listTools", () => {
  it("prints every resource of a server that has RESOURCES_SHOWN or fewer, and no notice", () => {
    const text = printed({ resources: resources("repo", RESOURCES_SHOWN), prompts: [] });
    expect(text).toContain(`repo: ${RESOURCES_SHOWN} resources, 0 prompts\n`);
    expect(text.split("\n").filter((l) => l.startsWith("  @repo:"))).toHaveLength(RESOURCES_SHOWN);
    expect(text).not.toContain("more;");
  });

  // A file server offers up to 1,000 resources: printed whole they buried the tools and the other servers.
  it("prints the first RESOURCES_SHOWN of a server with more, then how many more and where they all are", () => {
    const text = printed({
      resources: [...resources("repo", 1000), ...resources("db", 2)],
      prompts: [{ server: "repo", prompt: { name: "review", arguments: [{ name: "path", required: true }] } }],
    });
    const lines = text.split("\n");
    const repo = lines.filter((l) => l.startsWith("  @repo:"));
    expect(repo).toHaveLength(RESOURCES_SHOWN);
    expect(repo[0]).toMatch(/^ {2}@repo:repo:\/\/\/f0\.txt {2}f0\.txt$/);
    expect(repo.at(-1)).toContain(`f${RESOURCES_SHOWN - 1}.txt`);
    expect(text).toContain("repo: 1000 resources, 1 prompt\n");
    expect(lines).toContain(`  … and ${1000 - RESOURCES_SHOWN} more; --list-tools --json lists them all`);
    // The server's prompts and the next server's resources still follow.
    expect(lines).toContain("  /repo:review path=…  ");
    expect(lines.filter((l) => l.startsWith("  @db:"))).toHaveLength(2);
    expect(lines.length).toBeLessThan(40);
  });

  it("keeps every resource in --json", () => {
    const json = JSON.parse(printed({ resources: resources("repo", 1000), prompts: [] }, true)) as {
      resources: unknown[];
    };
    expect(json.resources).toHaveLength(1000);
  });

  it("prints each server's resource templates after its resources, counted, and keeps them in --json", () => {
    const offered: Offered = {
      resources: resources("db", 1),
      templates: [
        {
          server: "db",
          template: { uriTemplate: "sqlite://table/{name}", name: "table", description: "One table's definition" },
        },
      ],
      prompts: [],
    };
    const lines = printed(offered).split("\n");
    expect(lines).toContain("db: 1 resource, 1 template, 0 prompts");
    expect(lines).toContain("  @db:sqlite://table/{name}  (template: fill in {…}) One table's definition");
    const json = JSON.parse(printed(offered, true)) as { resourceTemplates: unknown[] };
    expect(json.resourceTemplates).toEqual([
      { server: "db", uriTemplate: "sqlite://table/{name}", name: "table", description: "One table's definition" },
    ]);
  });
});
