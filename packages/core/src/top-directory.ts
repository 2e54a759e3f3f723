// Claude Desktop starts the servers it runs in the top directory (/), so a default path under the working directory
// (./workspace) would make a folder at the top of the disk: never what was meant, and refused by both bins. So is a
// relative path a bin would create (a database, an audit log); `~/…` reaches us unexpanded, and is the home's.
import path from "node:path";
import { expandHome } from "./home-path.js";

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

/**
 * A path setting's value as a bin reads it: `~/…` as `home`'s (a client's config has no shell to expand it), resolved
 * against `cwd`; or why it is refused: a relative path when `cwd` is a top directory, where a file it makes would land
 * at the top of the disk (as root, silently), and a path starting with a shell variable, which no shell expanded.
 * `flag` names the setting as its messages do: `--db PATH (MCP_SQLITE_DB)`. Pure.
 */
export function pathFromSetting(
  given: string,
  flag: string,
  cwd: string,
  home: string,
): { path: string } | { problem: string } {
  const name = flag.split(" ")[0];
  // `$HOME/…` written in a client's config reaches us as it is: resolved, it would make a folder named `$HOME`.
  const variable = /^\$(\{?[A-Za-z_][A-Za-z0-9_]*\}?)/.exec(given)?.[0];
  if (variable) {
    return {
      problem: `${name} ${given} starts with ${variable}, which nothing expands (a client's config is not read by a shell); give ${flag} as an absolute path, or ~/… for your home folder (./${given} for a folder really named so)`,
    };
  }
  const expanded = expandHome(given, home);
  const resolved = path.resolve(cwd, expanded);
  if (path.isAbsolute(expanded) || path.dirname(cwd) !== cwd) return { path: resolved };
  return {
    problem: `${name} ${given} is a relative path and the working directory is ${cwd} (Claude Desktop starts servers there), so it would name ${resolved}; give ${flag} as an absolute path`,
  };
}
