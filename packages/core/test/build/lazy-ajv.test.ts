import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { exportedNames, lazyAjv } from "../../build/lazy-ajv.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("exportedNames", () => {
  it.each([
    [
      "renamed and plain",
      "import x from 'y';\nexport { n as DefaultJsonSchemaValidator, process };",
      ["DefaultJsonSchemaValidator", "process"],
    ],
    ["the last export statement", "export { a };\nconst b = 1;\nexport { b as c, d };", ["c", "d"]],
    ["none", "const a = 1;", []],
  ])("reads %s", (_, source, names) => {
    expect(exportedNames(source)).toEqual(names);
  });
});

/** Bundle `entry` (run from packages/core, where the SDK resolves) with the plugin; returns the bundle and its inputs. */
async function bundle(entry: string) {
  const dir = mkdtempSync(join(tmpdir(), "lazy-ajv-test-"));
  cleanup.push(dir);
  const source = join(here, "..", "..", `lazy-ajv-entry-${process.pid}.mjs`);
  writeFileSync(source, entry);
  try {
    const result = await build({
      entryPoints: [source],
      bundle: true,
      platform: "node",
      format: "cjs",
      outfile: join(dir, "out.cjs"),
      plugins: [lazyAjv],
      metafile: true,
      logLevel: "silent",
    });
    return { file: join(dir, "out.cjs"), inputs: result.metafile.inputs };
  } finally {
    rmSync(source, { force: true });
  }
}

describe("lazyAjv", () => {
  it("reaches the SDK's Ajv shim only through a require() run on the first validation, and validates as Ajv does", async () => {
    const { file, inputs } = await bundle(`
      import { McpServer } from "@modelcontextprotocol/server";
      const server = new McpServer({ name: "t", version: "1" });
      const check = server.server._jsonSchemaValidator.getValidator({
        type: "object", properties: { n: { type: "integer", minimum: 1 } }, required: ["n"],
      });
      module.exports = { ok: check({ n: 2 }), bad: check({ n: 0 }), missing: check({}) };
    `);
    // The SDK's modules import the stand-in; the one import of the real shim is a require() call from the stand-in.
    const imports = Object.entries(inputs).flatMap(([from, input]) =>
      input.imports
        .filter((i) => /server[\\/]dist[\\/]shimsNode\.mjs$/.test(i.path))
        .map((i) => ({ from: from.split(":")[0], to: i.path.split(":")[0], kind: i.kind })),
    );
    const real = imports.filter((i) => i.to !== "lazy-ajv");
    expect(real).toEqual([{ from: "lazy-ajv", to: expect.stringMatching(/shimsNode\.mjs$/), kind: "require-call" }]);
    expect(imports.filter((i) => i.to === "lazy-ajv").length).toBeGreaterThan(0);
    const result = createRequire(import.meta.url)(file);
    expect(result.ok).toEqual({ valid: true, data: { n: 2 }, errorMessage: undefined });
    expect(result.bad.valid).toBe(false);
    expect(result.bad.errorMessage).toMatch(/must be >= 1/);
    expect(result.missing.errorMessage).toMatch(/must have required property 'n'/);
  });
});
