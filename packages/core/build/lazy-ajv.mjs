// esbuild plugin: the MCP SDK's default JSON Schema validator (Ajv, ~7,800 lines with ajv-formats and three dialects)
// is loaded on its first use instead of at every start.
//
// The SDK packages import `DefaultJsonSchemaValidator` from their `_shims` entry, whose Node variant imports the Ajv
// provider at module load. A server uses it only to check an elicitation answer against its requested schema, and a
// client only for a tool's outputSchema, yet evaluating Ajv's modules cost every start about 11 ms. Here `_shims`
// resolves, for the SDK's own imports, to a small module with the same exports whose validator requires the real shim
// on the first getValidator() call. The real shim's export list is checked at build time, so an SDK release that
// changes it fails the build rather than shipping a bin with a missing export.
import { readFileSync } from "node:fs";

/** What each package's Node `_shims` exports besides the validator, and how the stand-in provides it. */
const SHIMS = {
  "@modelcontextprotocol/server/_shims": {
    exports: ["DefaultJsonSchemaValidator", "process"],
    rest: 'export { default as process } from "node:process";',
  },
  "@modelcontextprotocol/client/_shims": {
    exports: ["CORS_IS_POSSIBLE", "DefaultJsonSchemaValidator"],
    rest: "export const CORS_IS_POSSIBLE = false;",
  },
};

/** The names in a built ES module's final `export { a as b, c };` statement. */
export function exportedNames(source) {
  const last = [...source.matchAll(/^export \{([^}]*)\};?$/gm)].at(-1);
  if (!last) return [];
  return last[1]
    .split(",")
    .map((spec) =>
      spec
        .trim()
        .split(/\s+as\s+/)
        .at(-1),
    )
    .filter(Boolean)
    .sort();
}

export const lazyAjv = {
  name: "lazy-ajv",
  setup(b) {
    b.onResolve({ filter: /^@modelcontextprotocol\/(server|client)\/_shims$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { real: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      const shim = SHIMS[args.path];
      const found = exportedNames(readFileSync(real.path, "utf8"));
      if (found.join() !== shim.exports.join()) {
        return {
          errors: [
            {
              text: `lazy-ajv: ${args.path} (${real.path}) exports ${found.join(", ")}, expected ${shim.exports.join(", ")}; update core/build/lazy-ajv.mjs`,
            },
          ],
        };
      }
      return { path: real.path, namespace: "lazy-ajv", pluginData: { real: real.path, rest: shim.rest } };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-ajv" }, (args) => ({
      resolveDir: process.cwd(),
      loader: "js",
      contents: `${args.pluginData.rest}
let Real;
export class DefaultJsonSchemaValidator {
  #ajv;
  #inner;
  constructor(ajv) {
    this.#ajv = ajv;
  }
  getValidator(schema) {
    Real ??= require(${JSON.stringify(args.pluginData.real)}).DefaultJsonSchemaValidator;
    this.#inner ??= new Real(this.#ajv);
    return this.#inner.getValidator(schema);
  }
}
`,
    }));
  },
};
