// The notes that end a search_files reply: why it found nothing, where it stopped and how to go on, and what it could
// not look at. Pure: everything comes in `SearchEnd`.
import { plural } from "@mcp-toolkit/core";
import type { OtherCase } from "./other-case.js";
import { quote, underPath } from "./path-policy.js";
import { REGEX_LINE_CHARS } from "./search-pattern.js";
import { quotedName, shownName } from "./shown-name.js";
import { type Unreadable, unreadableNote } from "./walk.js";

/** How many of something there were, and the first of them. */
export type Tally = { count: number; first?: string };

/** How a search ended. */
export interface SearchEnd {
  path: string;
  pattern: string;
  content: string | undefined;
  skip: number;
  /** Entries the glob matched (with content, files), whatever their content. */
  globbed: number;
  /** The names the glob matches ignoring case, when it matched none as given. */
  otherCase?: OtherCase | undefined;
  /** Hits shown, and hits left out for `skip`. */
  shown: number;
  passed: number;
  /** The hits reached the cap. */
  full: boolean;
  /** The note of a search stopped early, by its time limit or by its client; undefined if it was not. */
  stopped: string | undefined;
  scanCapped: boolean;
  visited: number;
  /** How the scan limit's setting is named (`--max-scan-entries N (MCP_FS_MAX_SCAN_ENTRIES)` for the bin). */
  maxScanEntriesName: string;
  /** Directories at `maxDepth`, which the walk does not enter. */
  deeper: Tally;
  maxDepth: number;
  /** Version-control folders not gone into (see vcs-dirs.ts). */
  vcs: Tally;
  /** Symlinks met, which the walk does not follow. */
  links: Tally;
  /** Entries .gitignore or .ignore rules kept the search from. */
  ignored: Tally;
  /** Lines a regex was tried on only in part, and found nothing in. */
  unseen: Tally;
  /** Directories the walk could not open or read (permissions, say): nothing in them was searched. */
  unreadable: Unreadable;
  /** Names not UTF-8 on disk: no tool can open them by the name shown, so neither they nor what is under them was searched. */
  notUtf8: Tally;
  /** Files skipped (unreadable, or over maxFileBytes), and how the setting is named. */
  skipped: number;
  /** Of the files skipped, those that could not be read (permissions, say): how many, the first, and why. */
  unreadableFiles: Unreadable;
  maxFileBytes: number;
  maxFileBytesName: string;
}

/** The notes, in the order the reply gives them. */
export function searchNotes(end: SearchEnd): string[] {
  const { path, pattern, content, skip, shown, passed, full, stopped, deeper, unseen, skipped } = end;
  const notes: string[] = [];
  if (shown === 0 && passed > 0 && !stopped) {
    notes.push(`[all ${plural(passed, "hit")} left out by skip=${skip}; a smaller skip shows them]`);
  } else if (shown === 0 && !stopped) {
    // A glob is matched against paths below `path`, so one written from / can never match.
    const absolute = pattern.startsWith("/")
      ? `; the pattern is matched against paths below ${quote(path)}: give the folder as path and a relative pattern such as "**/*.ts"`
      : "";
    // Cut short by the scan limit, it missed what it never reached: the limit's note says what to do, not these.
    const passedOver = end.scanCapped ? "" : vcsHint(end) + linksHint(end) + ignoredHint(end);
    notes.push(
      `[no matches for ${quote(pattern)}${content === undefined ? "" : ` containing ${quote(content)}`}${absolute}${anchoredHint(end)}${otherCaseHint(end)}${passedOver}]`,
    );
  }
  if (full) {
    const after = skip > 0 ? ` after skipping ${skip}` : "";
    notes.push(
      `[stopped at ${shown} hits (cap)${after}; skip=${skip + shown} gives the next ones, or narrow path, pattern or content]`,
    );
  }
  if (end.scanCapped) {
    notes.push(
      `[stopped after scanning ${plural(end.visited, "entry", "entries")}, the limit set by ${end.maxScanEntriesName}; narrow path or add exclude]`,
    );
  }
  if (deeper.first !== undefined && !full) {
    notes.push(
      `[${plural(deeper.count, "directory", "directories")} at depth ${end.maxDepth} not searched, the deepest it goes; search_files with path ${quotedName(underPath(path, deeper.first))} goes on from the first]`,
    );
  }
  if (unseen.first !== undefined) {
    notes.push(
      `[${plural(unseen.count, "line")} over ${REGEX_LINE_CHARS} characters tried by the regex in their first ${REGEX_LINE_CHARS} only, with no match there (first: ${shownName(unseen.first)}); a match further on is not shown: search plain text, which sees whole lines, or read_file that line]`,
    );
  }
  if (stopped) notes.push(stopped);
  const big = skipped - end.unreadableFiles.count;
  if (big > 0)
    notes.push(
      `[${plural(big, "file")} skipped: over ${end.maxFileBytes} bytes, the limit set by ${end.maxFileBytesName}]`,
    );
  if (end.unreadableFiles.first !== undefined)
    notes.push(
      unreadableNote(
        end.unreadableFiles,
        quotedName(underPath(path, end.unreadableFiles.first)),
        "not searched",
        "file",
      ),
    );
  const { first } = end.unreadable;
  if (first !== undefined)
    notes.push(unreadableNote(end.unreadable, quotedName(underPath(path, first)), "not searched"));
  if (end.notUtf8.first !== undefined)
    notes.push(
      `[${plural(end.notUtf8.count, "name")} not UTF-8 on disk (${end.notUtf8.count > 1 ? "the first " : ""}${quotedName(underPath(path, end.notUtf8.first))}): shown with U+FFFD, which no tool can open, so nothing in or under ${end.notUtf8.count > 1 ? "them" : "it"} was searched; rename ${end.notUtf8.count > 1 ? "them" : "it"} outside this server]`,
    );
  return notes;
}

/**
 * Where a glob holding a "/" matched nothing: such a glob is matched against the whole path below `path`, so
 * "src/x.ts" never finds packages/a/src/x.ts; "**\/" in front matches at any depth.
 */
function anchoredHint({ pattern, path, globbed }: SearchEnd): string {
  const glob = pattern.replace(/\/+$/, "");
  if (globbed > 0 || !glob.includes("/") || glob.startsWith("/") || glob.startsWith("**/")) return "";
  const deep = `**/${pattern.replace(/^(?:\.\/)+/, "")}`;
  return `; a pattern with "/" is matched from path ${quote(path)}, not at any depth: ${quote(deep)} matches at any depth below it`;
}

/** Where the glob matched nothing as given but does ignoring case: how many names, the first, and what to do. */
function otherCaseHint({ otherCase, pattern, content, maxScanEntriesName }: SearchEnd): string {
  if (!otherCase) return "";
  if (otherCase.first === undefined) {
    // The look found nothing because the scan limit stopped it: that is no answer, and the reply says so.
    const cut = otherCase.scanCut
      ? `stopped the look for names in another case after ${plural(otherCase.scanCut, "entry", "entries")}, with none found`
      : "left no room to look for names in another case";
    return `; globs are case-sensitive, but the scan limit, set by ${maxScanEntriesName}, ${cut}`;
  }
  const names = plural(otherCase.count, content === undefined ? "name" : "file");
  // Cut short by the call's limits, the count is a floor.
  const count = otherCase.partial ? `at least ${names}` : names;
  const none = content === undefined ? "" : `: no file name matches ${quote(pattern)}`;
  return `${none}; globs are case-sensitive, and ignoring case it matches ${count}, the first ${quotedName(otherCase.first)}: write the pattern in the case the names have`;
}

/** Where the search passed over version-control folders: which, and how to search one. */
function vcsHint({ vcs, path }: SearchEnd): string {
  if (vcs.first === undefined) return "";
  const first = underPath(path, vcs.first);
  const more = vcs.count > 1 ? ` (and ${plural(vcs.count - 1, "other")})` : "";
  const name = vcs.first.slice(vcs.first.lastIndexOf("/") + 1);
  return `; ${quotedName(first)}${more} not searched inside, as version-control folders are not unless named: give path ${quotedName(first)}, or a pattern naming it such as ${quote(`**/${name}/**`)}`;
}

/** Where the search met symlinks, which it does not follow: how many, the first, and how to search where one leads. */
function linksHint({ links, path }: SearchEnd): string {
  if (links.first === undefined) return "";
  const first = underPath(path, links.first);
  return `; symlinks are not followed (${links.count} met, the first ${quotedName(first)}): to search a folder one leads to, give it as path`;
}

/** Where .gitignore or .ignore rules kept the search from entries: how many, the first, and how to search them. */
function ignoredHint({ ignored, path }: SearchEnd): string {
  if (ignored.first === undefined) return "";
  const first = underPath(path, ignored.first);
  if (ignored.count === 1) {
    return `; 1 entry ignored by .gitignore or .ignore not searched, ${quotedName(first)}: includeIgnored: true searches it too`;
  }
  return `; ${ignored.count} entries ignored by .gitignore or .ignore not searched (the first ${quotedName(first)}): includeIgnored: true searches them too`;
}
