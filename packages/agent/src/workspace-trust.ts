import { isAbsolute, relative, sep } from "node:path";
import { realPathOf } from "@mcp-toolkit/core";

// The model writes files in the workspace. A file the agent acts on at its next start (a servers file that it would
// run commands from) or that records what the model did (the audit log) must not be one of them: such files are
// hidden from the file tools, and a servers file inside the workspace is refused unless the user vouches for it.
// Paths are compared twice, as given and as they are on disk, so no symlink (in the workspace path, the config path
// or the current directory) and no relative spelling (-w ., -w sub/.., MCP_WORKSPACE=.) gets around either check.

/** Where the audit log goes unless --audit says otherwise: inside the workspace, hidden from the file tools. */
export const AUDIT_DIR = ".agent";

/** `path` relative to `root` when it lies below it (not at it), else undefined. Both absolute and normalised. */
export function pathBelow(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  const inside = rel !== "" && !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
  return inside ? rel : undefined;
}

/**
 * What the built-in file server hides from the model (one --hide each): the agent's own directory, and every
 * guarded file that lies inside the workspace and outside that directory, so the model can neither read nor write
 * it, even before it exists. Pure: `workspace` and `files` are compared as given.
 */
export function hiddenFromFileTools(workspace: string, files: readonly string[]): string[] {
  const hidden = [AUDIT_DIR];
  for (const file of files) {
    const rel = pathBelow(workspace, file);
    if (rel === undefined || rel === AUDIT_DIR || rel.startsWith(`${AUDIT_DIR}${sep}`) || hidden.includes(rel))
      continue;
    hidden.push(rel);
  }
  return hidden;
}

/** hiddenFromFileTools for the paths as given and as they are on disk (the file server compares real paths). */
export function guardedPaths(workspace: string, files: readonly string[]): string[] {
  const onDisk = hiddenFromFileTools(realPathOf(workspace), files.map(realPathOf));
  return [...new Set([...hiddenFromFileTools(workspace, files), ...onDisk])];
}

/**
 * Why a servers file may not be loaded without --trust-workspace-config: it lies inside the workspace, as given or
 * on disk, where the model could have written it. `label` names it as the user did (./mcp.json, --config FILE).
 */
export function workspaceConfigProblem(workspace: string, config: string, label: string): string | undefined {
  const real = realPathOf(config);
  if (pathBelow(workspace, config) === undefined && pathBelow(realPathOf(workspace), real) === undefined) {
    return undefined;
  }
  const named = real === config ? label : `${label} (${real})`;
  return `${named} is inside the workspace (${workspace}), where the model can write files, so it is not loaded: move it out of the workspace, or pass --trust-workspace-config if you wrote it`;
}
