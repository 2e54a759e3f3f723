// The last step of an atomic write: giving the temp file, written and synced, the target's name. What it reports
// must be what happened on disk: once the file is linked in, the write has landed, whatever becomes of the temp name.
import { linkSync, renameSync, unlinkSync } from "node:fs";
import path from "node:path";
import { NEW_FILE } from "./file-version.js";
import { quote } from "./path-policy.js";
import { type Sandbox, ToolError } from "./sandbox.js";
import { quotedName } from "./shown-name.js";

/** How the temp file got the target's name: linked in as a new file, or renamed over what had it ("taken" meanwhile). */
export type Placed = "linked" | "taken" | "renamed";

/**
 * Give the temp file `temp` the name `target`. A new file (`replacing` false) is linked in, which fails if the name was
 * taken meanwhile: refused when it `mustBeNew`, else renamed over, as a replacement is.
 */
export function placeTemp(
  sandbox: Sandbox,
  input: string,
  temp: string,
  target: string,
  { replacing, mustBeNew }: { replacing: boolean; mustBeNew: boolean },
): Placed {
  const linked = replacing ? "unsupported" : linkNew(sandbox, input, temp, target, mustBeNew);
  if (linked === "linked") {
    try {
      unlinkSync(temp);
    } catch {
      // The file is in place under its name: another process removing the temp name first (a cleaner of *.tmp
      // files) takes nothing from it, and a temp name left for any other reason is documented as a killed write's.
    }
    return "linked";
  }
  tempCall(sandbox, input, temp, () => renameSync(temp, target));
  return linked === "taken" ? "taken" : "renamed";
}

/**
 * Link `temp` in as `target` only if nothing has that name: link() fails on an existing name, where rename() replaces
 * it. "taken" when something has it now (refused when it `mustBeNew`), "unsupported" where the filesystem has no hard
 * links: the caller renames either way.
 */
function linkNew(
  sandbox: Sandbox,
  input: string,
  temp: string,
  target: string,
  mustBeNew: boolean,
): "linked" | "taken" | "unsupported" {
  try {
    tempCall(sandbox, input, temp, () => linkSync(temp, target));
    return "linked";
  } catch (error) {
    const code = (error as Error).cause;
    if (code === "EEXIST" && !mustBeNew) return "taken";
    if (code === "EEXIST") {
      throw new ToolError(
        `${quote(input)}: created by someone else while this write ran, and expectedVersion "${NEW_FILE}" asks that it not exist; nothing written — read_file it, then write with its version to replace it`,
      );
    }
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP") return "unsupported";
    throw error;
  }
}

/**
 * Run `fn`, a link or rename of `temp`: its ENOENT means the temp file (or its folder) was removed by someone else
 * before it was put in place, which "not found" would blame on the file the model named.
 */
function tempCall(sandbox: Sandbox, input: string, temp: string, fn: () => void): void {
  try {
    sandbox.call(input, fn);
  } catch (error) {
    if ((error as Error).cause !== "ENOENT") throw error;
    throw new ToolError(
      `${quote(input)}: the temp file this write made beside it, ${quotedName(path.basename(temp))}, was removed by another process (or its folder was) before it could be put in place; nothing written — call again, and if it recurs, something here deletes *.tmp files`,
      { cause: "ENOENT" },
    );
  }
}
