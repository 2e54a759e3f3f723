// Version-control folders hold thousands of entries no one greps for (.git/objects alone), and a search walking
// them spends its scan limit there before it reaches the project's own files; ripgrep and Claude Code's Grep skip them.
// So search_files does not go into them unless asked (a pattern that looks inside one, or a path inside one), and
// directory_tree shows them unexpanded (a path inside one shows it). Pure.

/** The folders a search passes over: met, and matched by name, but not gone into. */
export const VCS_DIRS: readonly string[] = [".git", ".hg", ".svn", ".bzr", ".jj"];

/** Whether `name` is a version-control folder's name. */
export function isVcsDir(name: string): boolean {
  return VCS_DIRS.includes(name);
}

/**
 * Whether a glob looks inside a version-control folder, naming it as a whole part before its last (`.git/**`,
 * `src/.hg/store`): then it is searched. One that names it last (`.git`, `.git/`) finds the folders themselves.
 */
export function namesVcsDir(glob: string): boolean {
  return glob.replace(/\/+$/, "").split("/").slice(0, -1).some(isVcsDir);
}

/** A folder a walk meets: its name, and its path from the walk's start. */
interface Met {
  name: string;
  rel: string;
}

/**
 * A walk's `enter` for a search by `glob`: false for a version-control folder, each one counted in `passed` (with the
 * first's path), unless the glob names one; undefined when it does, as every folder is then gone into.
 */
export function vcsEnter(
  glob: string,
  passed: { count: number; first?: string } = { count: 0 },
): ((entry: Met) => boolean) | undefined {
  if (namesVcsDir(glob)) return undefined;
  return (entry) => {
    if (!isVcsDir(entry.name)) return true;
    passed.count++;
    passed.first ??= entry.rel;
    return false;
  };
}
