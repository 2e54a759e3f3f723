// Claude Desktop starts the servers it runs in the top directory (/), so a default path under the working directory
// (./workspace) would make a folder at the top of the disk: never what was meant, and refused by both bins.
import path from "node:path";

/** What a bin needs to say when its default cannot be used: the flag, and what passing it names. */
export interface MissingPathSetting {
  /** The flag with its value's shape and variable: `--root DIR (MCP_WORKSPACE)`. */
  flag: string;
  /** What the value names: `the folder to serve`. */
  names: string;
  /** Why the working directory is the top one, said after it. Default: Claude Desktop starts servers there. */
  why?: string;
}

/**
 * Why the default path under `cwd` is refused, or undefined when `cwd` is not a top directory (/, or a drive's root).
 * Pure.
 */
export function topDirectoryProblem(cwd: string, setting: MissingPathSetting): string | undefined {
  if (path.dirname(cwd) !== cwd) return undefined;
  const name = setting.flag.split(" ")[0];
  const why = setting.why ?? "Claude Desktop starts servers there";
  return `no ${name} given and the working directory is ${cwd} (${why}); pass ${setting.flag} naming ${setting.names}`;
}
