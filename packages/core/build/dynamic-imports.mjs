// The launcher (launcher.cjs) and the startup snapshot run a bin's bundle as a classic script through vm.Script,
// which has no module loader behind it: a dynamic import() left in the bundle throws "A dynamic import callback
// was not specified" when it runs, long after start-up (the agent's REPL died on its first line this way).
// bundle-bin.mjs lowers every import() to require(); this check proves none is left, with a real lexer, so a string
// or comment that merely reads "import(" is not mistaken for one.
import { init, parse } from "es-module-lexer";

/** Every dynamic import() expression in a script: the imported specifier (or its source text) and its line. */
export async function findDynamicImports(source) {
  await init;
  const code = source.replace(/^#!.*/, "");
  const [imports] = parse(code);
  return imports
    .filter((entry) => entry.d >= 0)
    .map((entry) => ({
      specifier: entry.n ?? code.slice(entry.s, entry.e),
      line: code.slice(0, entry.ss).split("\n").length,
    }));
}

/** Throw, naming each one, if a bundle the launcher runs still holds a dynamic import(). */
export async function assertNoDynamicImports(source, file) {
  const found = await findDynamicImports(source);
  if (found.length === 0) return;
  const list = found.map((f) => `import(${f.specifier}) at line ${f.line}`).join(", ");
  throw new Error(
    `${file} contains dynamic imports the launcher cannot serve (vm.Script has no module loader): ${list}; ` +
      "import the module statically or with require()",
  );
}
