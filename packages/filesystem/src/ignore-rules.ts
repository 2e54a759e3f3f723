// search_files honours .gitignore and .ignore files as ripgrep does by default: each folder's rules apply below it, a
// deeper folder's over a shallower one's, .ignore's over .gitignore's, the last rule that matches deciding (negations,
// directory-only and anchored rules as git reads them, by the `ignore` package). Pure: rules come in as text.
import type { Ignore } from "ignore";

/** The ignore files read in each folder, the later one's rules winning. */
export const IGNORE_FILES: readonly string[] = [".gitignore", ".ignore"];

/**
 * Most runs of "*" a rule may have, as for globs (glob-policy.ts): "ignore" compiles each "**" to a repeating group,
 * and "x/**\/x/**\/x/**\/x/**\/x/**\/x/**\/y" took 2.7 s, and with eight "**" 99 s, on one path 60 folders deep.
 */
export const MAX_RULE_WILDCARDS = 3;

/**
 * Most "**" a rule may have before its end (a trailing "/**" matches in one step): each one more multiplies the cost
 * of a match by the path's depth. For 3,500 rules (what a 64 KiB file holds) on a path 128 folders deep, the first one
 * tested (its parents first) took 122 s with three ("**\/a/**\/a/**\/b"), 4 s with two, 0.1 s with one.
 */
export const MAX_RULE_GLOBSTARS = 1;

/** One folder's rules, and the folder above's: those apply where these say nothing. */
export interface IgnoreScope {
  parent: IgnoreScope | undefined;
  rules: Ignore;
  /** A path below the walk's start, as its rules see it: `lead` + the path less its first `cut` characters. */
  lead: string;
  cut: number;
}

/** Makes a scope's rule set; `ignore` itself, loaded on first use. */
export type IgnoreFactory = () => Ignore;

/** The `ignore` package, loaded when a search first needs it: most calls never do, and it costs every start ~1 ms. */
export async function loadIgnore(): Promise<IgnoreFactory> {
  const { default: ignore } = await import("ignore");
  // Case-sensitive, as git (core.ignorecase false) and ripgrep are on Linux, where "ignore" by default is not; and a
  // file named "..." is a name, not a path out of the folder.
  return () => ignore({ ignorecase: false, allowRelativePaths: true });
}

/**
 * The rules of one ignore file, less those too costly to match: more than MAX_RULE_WILDCARDS runs of "*", or more
 * than MAX_RULE_GLOBSTARS "**" before its end.
 */
export function ruleLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => {
    const bare = line.replace(/\\./g, "");
    const inner = bare.replace(/\*\*+\s*$/, "").match(/\*\*+/g)?.length ?? 0;
    return (bare.match(/\*+/g)?.length ?? 0) <= MAX_RULE_WILDCARDS && inner <= MAX_RULE_GLOBSTARS;
  });
}

/**
 * The scope of a folder at `at` below the walk's start ("" for the start itself) whose ignore files hold `texts`, or
 * `parent` when they hold no rules.
 */
export function folderScope(
  make: IgnoreFactory,
  parent: IgnoreScope | undefined,
  at: string,
  texts: readonly string[],
): IgnoreScope | undefined {
  const lines = texts.flatMap(ruleLines).filter((line) => line.trim() !== "" && !line.startsWith("#"));
  if (lines.length === 0) return parent;
  return { parent, rules: make().add(lines), lead: "", cut: at === "" ? 0 : at.length + 1 };
}

/**
 * The scope of a folder above the walk's start, `down` being the path from it to the start ("a/b"): its rules see a
 * path below the start with `down/` in front.
 */
export function aboveScope(
  make: IgnoreFactory,
  parent: IgnoreScope | undefined,
  down: string,
  texts: readonly string[],
): IgnoreScope | undefined {
  const scope = folderScope(make, parent, "", texts);
  return scope === parent || scope === undefined ? scope : { ...scope, lead: `${down}/` };
}

/**
 * Whether the rules of `scope` and the folders above it ignore the entry at `rel` below the walk's start (a
 * directory when `dir`): the deepest scope with a rule that matches decides, a negation (`!keep.log`) keeping it.
 * `rel` "" is the start itself, as the folders above it see it.
 */
export function isIgnored(scope: IgnoreScope | undefined, rel: string, dir: boolean): boolean {
  for (let s = scope; s !== undefined; s = s.parent) {
    const verdict = ownVerdict(s, rel, dir);
    if (verdict !== undefined) return verdict;
  }
  return false;
}

/** What the rules of `scope` alone say of the entry at `rel`: ignored, kept (a negation), or nothing (undefined). */
export function ownVerdict(scope: IgnoreScope, rel: string, dir: boolean): boolean | undefined {
  const local = scope.lead + rel.slice(scope.cut);
  if (local === "") return undefined;
  const verdict = scope.rules.test(dir && !local.endsWith("/") ? `${local}/` : local);
  return verdict.ignored ? true : verdict.unignored ? false : undefined;
}
