// The notes that end a directory_tree reply: where and why the tree was cut, and how to see more. Pure: everything
// comes in `TreeEnd`.
import { plural } from "@mcp-toolkit/core";
import { quotedName } from "./shown-name.js";

/** A directory shown with some of its entries: where it is, and how many of them are shown. */
export interface PartDir {
  rel: string;
  shown: number;
  of: number;
}

/** How a tree ended. */
export interface TreeEnd {
  /** Entries shown. */
  shown: number;
  /** Why the tree stopped short: the cap's description, or undefined when nothing did. */
  cap: string | undefined;
  /** The entry or reply cap stopped it (not the scan cap): a note says which levels are shown whole. */
  capped: boolean;
  /**
   * The shallowest level shown only in part: its depth, its entries shown and met (`more`: it has others, unread), and
   * its directories shown in part.
   */
  part?: { depth: number; shown: number; of: number; more: boolean; dirs: readonly PartDir[] } | undefined;
  /** Deepest level shown whole where no level was shown in part. */
  wholeTo: number;
  /** Directories shown without their entries, though they may have some: how many, at which depths. */
  unexpanded: { count: number; depths: readonly number[] };
  /** What to do about them: raise maxDepth, or call directory_tree on one. */
  deeper: string;
  /** Bytes the reply has left for naming directories shown in part (each named only if it fits). */
  nameRoom: number;
  /** Version-control folders shown but not expanded (see vcs-dirs.ts): how many, and the path of the first. */
  passed: { count: number; first?: string | undefined };
}

/** Directories shown in part that the note names; the rest are counted. */
const NAMED_DIRS = 2;

/** The notes, in the order the reply gives them. */
export function treeNotes(end: TreeEnd): string[] {
  const notes: string[] = [];
  if (end.cap !== undefined) {
    notes.push(
      `[stopped after ${end.shown} entries (${end.cap}); call directory_tree on a subdirectory, lower maxDepth, or add exclude]`,
    );
    if (end.capped) notes.push(`[shown shallowest first: ${where(end)}]`);
  }
  const { count, depths } = end.unexpanded;
  if (count > 0) {
    const low = depths.reduce((a, b) => Math.min(a, b));
    const high = depths.reduce((a, b) => Math.max(a, b));
    const at = low === high ? `depth ${low}` : `depths ${low}–${high}`;
    notes.push(`[${plural(count, "directory", "directories")} at ${at} not expanded; ${end.deeper}]`);
  }
  const { passed } = end;
  if (passed.first !== undefined) {
    const more = passed.count > 1 ? ` and ${plural(passed.count - 1, "other")}` : "";
    notes.push(
      `[${quotedName(`${passed.first}/`)}${more} not expanded, as version-control folders are not: directory_tree with that path shows inside]`,
    );
  }
  return notes;
}

/** Which levels are shown whole, and which in part (named by its first directories so shown, as room allows). */
function where({ part, wholeTo, nameRoom }: TreeEnd): string {
  if (!part) return `every entry to depth ${wholeTo}`;
  const whole = part.depth > 1 ? `every entry to depth ${part.depth - 1}, and ` : "";
  const some = `${whole}${part.shown} of ${part.more ? "at least " : ""}${part.of} at depth ${part.depth}`;
  if (part.dirs.length === 0) return some;
  const named: string[] = [];
  let room = nameRoom - 40;
  for (const d of part.dirs.slice(0, NAMED_DIRS)) {
    const name = `${quotedName(`${d.rel}/`, 80)} (${d.shown} of ${d.of})`;
    room -= Buffer.byteLength(name) + 2;
    if (room < 0) break;
    named.push(name);
  }
  const rest = part.dirs.length - named.length;
  const list = named.length === 0 ? "" : `: ${named.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`;
  return `${some}; ${plural(part.dirs.length, "directory", "directories")} at depth ${part.depth - 1} shown with some of their entries${list}`;
}
