// The filesystem prompts through a real client: built from live data under the tools' caps, hidden paths never in
// them, bad arguments answered with the tool's own message, and paths completed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, type TestClient } from "../../../core/test/clients.js";
import type { FilesystemServerOptions } from "../../src/options.js";
import { createFilesystemServerFactory } from "../../src/server.js";
import { tempDir } from "../helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(options: Partial<FilesystemServerOptions> = {}) {
  const { dir: root, cleanup } = tempDir("fs-prompts-");
  cleanups.push(cleanup);
  mkdirSync(path.join(root, "app/src"), { recursive: true });
  mkdirSync(path.join(root, ".agent"));
  writeFileSync(path.join(root, "app/Readme.md"), "# App\nThe billing app.\n");
  writeFileSync(path.join(root, "app/src/invoice.ts"), "export const TAX_RATE = 0.2;\n// TAX_RATE applies to all\n");
  writeFileSync(path.join(root, "app/src/cart.ts"), "import { TAX_RATE } from './invoice';\n");
  writeFileSync(path.join(root, ".agent/audit.log"), "TAX_RATE secret mention\n");
  const factory = createFilesystemServerFactory({ root, hide: [".agent"], ...options });
  const client = await connectClient(factory, "modern");
  cleanups.push(
    () => client.close(),
    () => factory.close(),
  );
  return { root, client };
}

async function promptText(client: TestClient, name: string, args: Record<string, string>) {
  const result = await client.getPrompt({ name, arguments: args });
  return (result.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
}

describe("filesystem prompts", () => {
  it("lists both prompts with their arguments", async () => {
    const { client } = await setup();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => [p.name, p.arguments?.map((a) => `${a.name}${a.required ? "" : "?"}`)])).toEqual([
      ["summarize-folder", ["path"]],
      ["find-in-files", ["text", "path?"]],
    ]);
  });

  it("summarize-folder gives the folder's tree and its README", async () => {
    const { client } = await setup();
    const text = await promptText(client, "summarize-folder", { path: "app" });
    expect(text).toMatch(/^Summarise the folder app:/);
    expect(text).toContain("src/");
    expect(text).toContain("invoice.ts");
    expect(text).toContain("Its Readme.md:\n# App\nThe billing app.");
  });

  it("summarize-folder says when there is no README, and never shows a hidden path", async () => {
    const { client } = await setup();
    const text = await promptText(client, "summarize-folder", { path: "." });
    expect(text).toContain("It has no README.");
    expect(text).not.toContain(".agent");
  });

  it("summarize-folder keeps the README within half the response cap", async () => {
    const { root, client } = await setup({ maxResponseBytes: 4096 });
    writeFileSync(path.join(root, "README"), Array.from({ length: 2000 }, (_, i) => `readme line ${i}`).join("\n"));
    const text = await promptText(client, "summarize-folder", { path: "." });
    const readme = text.slice(text.indexOf("Its README:"));
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(2048 + 20);
    expect(readme).toContain("readme line 0");
    expect(readme).not.toContain("readme line 1999");
  });

  it("find-in-files gives the hits from search_files, none from hidden paths", async () => {
    const { client } = await setup();
    const text = await promptText(client, "find-in-files", { text: "TAX_RATE" });
    expect(text).toMatch(/^Explain where and how "TAX_RATE" is used under \./);
    expect(text).toContain("app/src/invoice.ts:1");
    expect(text).toContain("app/src/invoice.ts:2");
    expect(text).toContain("app/src/cart.ts:1");
    expect(text).not.toContain("audit.log");
  });

  it.each([
    ["summarize-folder", { path: "../" }, /outside the workspace root/],
    ["summarize-folder", { path: ".agent" }, /--hide/],
    ["summarize-folder", { path: "nope" }, /not found/],
    ["summarize-folder", { path: "app/Readme.md" }, /not a directory|is a file/],
    ["find-in-files", { text: " " }, /text: give the text/],
    ["find-in-files", {}, /text: a required argument, missing/],
    ["find-in-files", { text: "/(a+)+$/" }, /^find-in-files: text "\/\(a\+\)\+\$\/": .*nested quantifier/],
    ["find-in-files", { text: "/x/g" }, /^find-in-files: text "\/x\/g": regex flag g/],
    ["find-in-files", { text: "x", path: "/etc" }, /outside the workspace root/],
  ])("%s %j is refused with a clear error, as invalid params", async (name, args, message) => {
    const { client } = await setup();
    const error: unknown = await client.getPrompt({ name, arguments: args }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: -32602, message: expect.stringMatching(message) });
  });

  it("completes the folder arguments relative to the root, one level at a time, folders only", async () => {
    const { client } = await setup();
    const complete = async (name: string, value: string) =>
      (await client.complete({ ref: { type: "ref/prompt", name }, argument: { name: "path", value } })).completion
        .values;
    expect(await complete("summarize-folder", "")).toEqual(["app/"]);
    expect(await complete("summarize-folder", "app/")).toEqual(["app/src/"]);
    expect(await complete("find-in-files", "app/s")).toEqual(["app/src/"]);
    expect(await complete("find-in-files", "app/src/c")).toEqual([]);
    expect(await complete("find-in-files", "../")).toEqual([]);
  });
});
