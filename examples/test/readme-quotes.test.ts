// What the README quotes the filesystem server saying is what it says: the refusal of an argument a tool does not
// take, and the read_file line of the sample run, whose file's [version …] is a hash of the bytes the run wrote.
// And the commands the READMEs give for --print-config print only the block: pnpm's banner would break the JSON.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemServer } from "@mcp-toolkit/filesystem";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./helpers.js";

const README = readFileSync(join(REPO, "README.md"), "utf8").replace(/\n/g, " ");

let dir: string;
let client: Client;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-readme-quotes-"));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createFilesystemServer({ root: dir }).connect(serverSide);
  client = new Client({ name: "readme-quotes-test", version: "1.0.0" });
  await client.connect(clientSide);
});
afterAll(async () => {
  await client.close();
  await rm(dir, { recursive: true, force: true });
});

async function text(name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

describe("the README's quotes of the filesystem server", () => {
  it("the refusal of a misspelt argument names every argument the tool takes", async () => {
    const said = await text("search_files", { path: ".", pattern: "*", contents: "x" });
    const quoted = /\(`(no argument named contents [^`]*)`\)/.exec(README)?.[1];
    expect(quoted).toBeDefined();
    expect(said).toMatch(new RegExp(`${quoted?.replace(/[()?]/g, "\\$&")}$`));
  });

  it("the sample run's read_file line ends with the version of the report it wrote", async () => {
    const sample = /→ file__write_file (\{"path":"report\.md".*?\}) +← created/.exec(README)?.[1];
    expect(sample).toBeDefined();
    await text("write_file", JSON.parse(sample ?? "{}"));
    const version = /\[version [0-9a-f]+\]/.exec(await text("read_file", { path: "report.md" }))?.[0];
    expect(version).toBeDefined();
    const line = /→ file__read_file \{"path":"report\.md"\} +← (.*?) \(file__read_file,/.exec(README)?.[1];
    expect(line).toMatch(new RegExp(`linus@example\\.com \\| \\${version}$`));
  });
});

describe("the READMEs' --print-config commands", () => {
  it.each(["README.md", "packages/agent/README.md"])("%s runs pnpm --silent, so stdout is the block alone", (file) => {
    const commands = readFileSync(join(REPO, file), "utf8").match(/^.*pnpm\b.* agent --print-config.*$/gm) ?? [];
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/pnpm --silent agent --print-config/);
  });
});
