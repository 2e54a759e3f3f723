import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { assertNoDynamicImports, findDynamicImports } from "../../build/dynamic-imports.mjs";

describe("findDynamicImports", () => {
  it.each([
    ["a literal built-in", 'await import("node:readline/promises")', ["node:readline/promises"]],
    ["a package, unawaited", "const p = import('undici');", ["undici"]],
    ["a computed specifier", "import(name + suffix).then(f)", ["name + suffix"]],
    ["two on separate lines", 'import("a");\nimport("b")', ["a", "b"]],
    ["inside a template's expression", ["const t = `v$", "{await import('x')}`;"].join(""), ["x"]],
    ["after a hashbang", '#!/usr/bin/env node\nimport("x")', ["x"]],
  ])("finds %s", async (_, source, specifiers) => {
    const found: { specifier: string }[] = await findDynamicImports(source);
    expect(found.map((f) => f.specifier)).toEqual(specifiers);
  });

  it.each([
    ["a string", "const hint = \"set globalThis.File to `import('node:buffer').File`\";"],
    ["a comment", "// import('node:fs')\n/* import(\"x\") */ const a = 1;"],
    ["a template literal", "const t = `import(x)`;"],
    ["a regular expression", "const r = /import\\(x\\)/;"],
    ["import.meta and require", 'const u = import.meta.url; require("node:fs");'],
    ["a method named import", "loader.import('x')"],
  ])("ignores %s", async (_, source) => {
    expect(await findDynamicImports(source)).toEqual([]);
  });

  it("says where each one is, and refuses the bundle naming them all", async () => {
    const source = 'const a = 1;\n\nconst b = await import("node:crypto");\nimport(x)';
    expect(await findDynamicImports(source)).toEqual([
      { specifier: "node:crypto", line: 3 },
      { specifier: "x", line: 4 },
    ]);
    await expect(assertNoDynamicImports(source, "dist/bundle.cjs")).rejects.toThrow(
      /dist\/bundle\.cjs contains dynamic imports the launcher cannot serve .*import\(node:crypto\) at line 3, import\(x\) at line 4/,
    );
    await expect(assertNoDynamicImports('require("node:crypto")', "dist/bundle.cjs")).resolves.toBeUndefined();
  });
});
