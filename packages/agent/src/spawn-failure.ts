import { existsSync } from "node:fs";

/**
 * Words for a spawn that failed: ENOENT names the command, unless what is missing is the cwd; EACCES (a script
 * without its execute bit, a directory) says how to run it.
 */
export function spawnFailure(error: NodeJS.ErrnoException, command: string, cwd: string | undefined): string {
  if (error.code === "EACCES") {
    return `${command} cannot be run: it is not an executable file (EACCES); chmod +x it, or make its interpreter the command ("command": "node", "args": [${JSON.stringify(command)}, …])`;
  }
  if (error.code !== "ENOENT") return error.message;
  return cwd !== undefined && !existsSync(cwd) ? `its cwd ${cwd} does not exist` : "command not found";
}
