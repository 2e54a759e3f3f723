import { existsSync } from "node:fs";
import { basename } from "node:path";

/**
 * Words for a spawn that failed: ENOENT names the command, unless what is missing is the cwd, and says what to write
 * for the two commands that are never found here (commandHint); EACCES (a script without its execute bit, a
 * directory) says how to run it.
 */
export function spawnFailure(
  error: NodeJS.ErrnoException,
  command: string,
  args: readonly string[],
  cwd: string | undefined,
): string {
  if (error.code === "EACCES") {
    return `${command} cannot be run: it is not an executable file (EACCES); chmod +x it, or make its interpreter the command ("command": "node", "args": [${JSON.stringify(command)}, …])`;
  }
  if (error.code !== "ENOENT") return error.message;
  if (cwd !== undefined && !existsSync(cwd)) return `its cwd ${cwd} does not exist`;
  const hint = commandHint(command, args, process.platform);
  return hint === undefined ? "command not found" : `command not found; ${hint}`;
}

/** `"command": …, "args": [the first three, …]`, as an mcp.json entry would say it. */
function entry(command: string, args: readonly string[]): string {
  const shown = args.slice(0, 3).map((a) => JSON.stringify(a));
  if (args.length > 3) shown.push("…");
  return `"command": ${JSON.stringify(command)}, "args": [${shown.join(", ")}]`;
}

/**
 * What to write instead of a command that was not found because it is written for another system or for a shell: a
 * Windows config copied here (`cmd /c npx …`, `npx.cmd`, `C:\…\node.exe`), or a whole command line in `command`
 * (no shell splits it). Undefined when it looks like a plain missing program. Pure: the platform is given.
 */
export function commandHint(command: string, args: readonly string[], platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") {
    const program = basename(command.replace(/\\/g, "/")).toLowerCase();
    if ((program === "cmd" || program === "cmd.exe") && /^\/c$/i.test(args[0] ?? "") && args[1] !== undefined) {
      return `"cmd /c" is how Windows runs ${args[1]}; here write ${entry(args[1], args.slice(2))}`;
    }
    const windowsName = /^(.+)\.(cmd|bat|exe)$/.exec(program)?.[1];
    if (/^[a-z]:[\\/]/i.test(command)) {
      return `${command} is a Windows path; give this machine's (\`which ${windowsName ?? program}\`)`;
    }
    if (windowsName !== undefined) return `${program} is Windows's name for it; here write "command": "${windowsName}"`;
  }
  const words = command.trim().split(/\s+/);
  const [program, ...rest] = words;
  if (program !== undefined && rest.length > 0 && !existsSync(command)) {
    return `"command" is one program, run without a shell; put the rest in "args": ${entry(program, [...rest, ...args])}`;
  }
  return undefined;
}
