// Which roots the bin serves. Given no --root it serves ./workspace, made if missing, except when started in the
// top directory: Claude Desktop starts servers in /, and a /workspace made there is never what was meant.
import path from "node:path";
import { expandHome, pathFromSetting, topDirectoryProblem } from "@mcp-toolkit/core";
import { isWithin } from "./path-policy.js";

/** The roots to serve, or the one line that refuses to start. */
export type RootChoice = { roots: string[]; defaulted: boolean } | { problem: string };

/** The --root value's shape and variable, as the bin's messages name it. */
const FLAG = "--root DIR (MCP_WORKSPACE)";

/**
 * The roots for the --root values given, `~/…` read as `home`'s (a client's config reaches us with no shell to expand
 * it), or the default ./workspace under `cwd`. A relative root is refused when `cwd` is a top directory: `--root .`
 * there would serve the whole disk. Pure.
 */
export function chooseRoots(given: readonly string[], cwd: string, home: string): RootChoice {
  // Resolved, "" would name the working directory (/ under Claude Desktop): an empty value is a mistake, say a
  // template variable that was not filled in.
  if (given.includes(""))
    return { problem: '--root "" is empty: give --root DIR (MCP_WORKSPACE) naming the folder to serve' };
  for (const root of given) {
    const checked = pathFromSetting(root, FLAG, cwd, home);
    if ("problem" in checked) return checked;
  }
  if (given.length > 0) return { roots: given.map((root) => expandHome(root, home)), defaulted: false };
  const problem = topDirectoryProblem(cwd, { flag: FLAG, names: "the folder to serve" });
  if (problem) return { problem };
  return { roots: [path.join(cwd, "workspace")], defaulted: true };
}

/**
 * A --hide entry with `~/…` read as `home`'s, as --root's is, made relative to the root it lies in: `--root ~ --hide
 * ~/.ssh` hides the home's .ssh, which `~/.ssh/id_rsa` in a tool's path names. Other entries as given; a problem when
 * the home path is in no root. `roots` are absolute or relative to `cwd`. Pure.
 */
export function chooseHidden(
  entry: string,
  roots: readonly string[],
  cwd: string,
  home: string,
): { entry: string } | { problem: string } {
  const expanded = expandHome(entry, home);
  if (expanded === entry) return { entry };
  const root = roots.map((r) => path.resolve(cwd, r)).find((r) => isWithin(expanded, r));
  if (root !== undefined) return { entry: path.relative(root, expanded) || "." };
  return { problem: `${expanded} is in none of the roots (${roots.join(", ")}); give a path below a root` };
}

/**
 * The start-up line naming what is served: `roots: /x/workspace (default: ./workspace, created; …)`, saying that a
 * folder made here goes again if a client's roots replace it while it is empty.
 */
export function rootsLine(realRoots: readonly string[], defaulted: boolean, created: boolean): string {
  const made = created ? ", created; removed if a client's roots replace it, or at exit, while it is still empty" : "";
  const note = defaulted ? ` (default: ./workspace${made})` : "";
  return `roots: ${realRoots.join(", ")}${note}`;
}
