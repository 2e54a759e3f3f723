// A prompt runs a tool under the prompts/get request's signal: cancelled, the tool's work stops.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toolText } from "../../src/prompts/tool-text.js";
import { Sandbox } from "../../src/sandbox.js";
import { searchFilesTool } from "../../src/tools/search-files.js";
import { tempDir, toolContext } from "../helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("toolText", () => {
  it("runs the tool to its end while the request stands", async () => {
    const { dir, cleanup } = tempDir("fs-tool-text-");
    cleanups.push(cleanup);
    writeFileSync(path.join(dir, "a.txt"), "a needle here\n");
    const search = searchFilesTool(toolContext(new Sandbox([dir])));
    const text = await toolText(search, { pattern: "**/*", content: "needle" }, new AbortController().signal);
    expect(text).toBe("a.txt:1: a needle here");
  });

  it("stops the tool when the request is cancelled", async () => {
    const { dir, cleanup } = tempDir("fs-tool-text-");
    cleanups.push(cleanup);
    writeFileSync(path.join(dir, "a.txt"), "a needle here\n");
    const search = searchFilesTool(toolContext(new Sandbox([dir])));
    const cancelled = AbortSignal.abort("the client cancelled");
    const text = await toolText(search, { pattern: "**/*", content: "needle" }, cancelled);
    expect(text).toMatch(/cancelled by the client/);
    expect(text).not.toContain("a.txt:1");
  });
});
