// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the mcp.json syntax under test

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { editorReferences, MAX_ENV_FILE_BYTES } from "../src/editor-vars.js";
import { parseServersFile } from "../src/servers-file.js";

describe("editorReferences", () => {
  it.each([
    ["${env:TOKEN}", "${TOKEN}"],
    ["Bearer ${env:TOKEN} and ${OTHER}", "Bearer ${TOKEN} and ${OTHER}"],
    ["${env:PORT:-3000}", "${PORT:-3000}"],
    ["${env:1BAD}", "${env:1BAD}"],
    ["plain", "plain"],
  ])("%s → %s", (text, expanded) => {
    expect(editorReferences(text, "x")).toBe(expanded);
  });

  it("refuses ${input:…}, a value only VS Code asks for, saying what to write instead", () => {
    expect(() => editorReferences("${input:api-key}", "mcp.json: mcpServers.gh.env.KEY")).toThrow(
      "mcp.json: mcpServers.gh.env.KEY: ${input:api-key} is a value VS Code asks the user for, which the agent does not ask; export it as a variable and write ${NAME} (or ${env:NAME})",
    );
  });
});

describe("a VS Code mcp.json (.vscode/mcp.json, its servers renamed mcpServers as the agent asks)", () => {
  const root = mkdtempSync(join(tmpdir(), "editor-vars-"));
  const vscode = join(root, ".vscode");
  mkdirSync(vscode);
  writeFileSync(join(root, ".env"), "# keys\nAPI_KEY=from-file\nexport REGION='eu west'\nSHARED=file\n");
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const env = { HOME: "/home/u", TOKEN: "t0k" };
  const parse = (servers: unknown) =>
    parseServersFile(JSON.stringify({ mcpServers: servers }), join(vscode, "mcp.json"), env, vscode);

  it("expands ${workspaceFolder}, ${userHome} and ${env:VAR}, and reads envFile under env", () => {
    // ${env:TOKEN} went to the server as those characters, and envFile was dropped.
    const servers = parse({
      fs: {
        type: "stdio",
        command: "npx",
        args: ["server", "${workspaceFolder}", "${userHome}/notes", "${workspaceFolderBasename}"],
        env: { TOKEN: "${env:TOKEN}", SHARED: "env" },
        envFile: "${workspaceFolder}/.env",
      },
    });
    expect(servers.get("fs")).toMatchObject({
      args: ["server", root, "/home/u/notes", root.split("/").at(-1)],
      env: { API_KEY: "from-file", REGION: "eu west", SHARED: "env", TOKEN: "t0k" },
    });
  });

  it("expands them in a remote entry's url and headers too", () => {
    const servers = parse({ gh: { type: "http", url: "https://api.example.com/mcp", headers: { A: "${env:TOKEN}" } } });
    expect(servers.get("gh")).toMatchObject({ headers: { A: "t0k" } });
  });

  it.each([
    [
      { command: "x", envFile: ".missing" },
      /mcpServers\.s\.envFile: cannot read .*\.missing \(ENOENT\); give the path/,
    ],
    [{ command: "x", envFile: 3 }, /mcpServers\.s\.envFile must be a string \(the path of a \.env file\)/],
    [{ url: "https://a.example/mcp", envFile: ".env" }, /mcpServers\.s\.envFile is for a server run by command/],
    [{ command: "x", env: { K: "${input:key}" } }, /mcpServers\.s\.env\.K: \$\{input:key\} is a value VS Code asks/],
  ])("refuses %j, saying why", (entry, message) => {
    expect(() => parse({ s: entry })).toThrow(message);
  });

  it("refuses an envFile over MAX_ENV_FILE_BYTES", () => {
    writeFileSync(join(root, "big.env"), `A=${"x".repeat(MAX_ENV_FILE_BYTES)}\n`);
    expect(() => parse({ s: { command: "x", envFile: "../big.env" } })).toThrow(/over the 1048576 an envFile may be/);
  });
});
