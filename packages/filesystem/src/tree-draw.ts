// directory_tree's text and structured entries, drawn from the entries a level walk met and the ones chosen to show.
import { unambiguousRelative } from "./path-policy.js";
import { NOT_UTF8_NAME, shownName } from "./shown-name.js";
import type { PartDir } from "./tree-notes.js";
import type { TreeNode } from "./tree-walk.js";

/** An entry's line in the tree, indented by its depth. */
const lineOf = (n: TreeNode) =>
  `${"  ".repeat(n.depth - 1)}${shownName(n.name)}${n.type === "directory" ? "/" : n.type === "symlink" ? " -> (symlink)" : ""}${n.notUtf8 ? ` ${NOT_UTF8_NAME}` : ""}`;

/** An entry as the structured result lists it. */
const itemOf = (n: TreeNode) => ({ path: unambiguousRelative(n.rel), type: n.type });

/** Bytes an entry takes in the reply: its line (with its indent under the top line and its newline), its item and comma. */
export const costOf = (n: TreeNode) =>
  Buffer.byteLength(lineOf(n)) + 3 + Buffer.byteLength(JSON.stringify(itemOf(n))) + 1;

/** The tree drawn: its lines and items in tree order, and what the notes say of its directories. */
export interface DrawnTree {
  lines: string[];
  entries: ReturnType<typeof itemOf>[];
  /** Depths of the directories shown without their entries, though they may have some. */
  unexpanded: number[];
  /** Directories shown with some of their entries. */
  partDirs: PartDir[];
  /** Directories shown that the walk kept out of (version-control folders), by their paths from the tree's start. */
  passed: string[];
}

/** Draw the `shown` nodes in tree order: each directory's entries below it, in name order. */
export function drawTree(nodes: readonly TreeNode[], shown: readonly boolean[]): DrawnTree {
  const kids = new Map<number, number[]>();
  const met = new Map<number, number>();
  nodes.forEach((n, i) => {
    met.set(n.parent, (met.get(n.parent) ?? 0) + 1);
    if (!shown[i]) return;
    const siblings = kids.get(n.parent);
    if (siblings) siblings.push(i);
    else kids.set(n.parent, [i]);
  });
  const out: DrawnTree = { lines: [], entries: [], unexpanded: [], partDirs: [], passed: [] };
  const draw = (parent: number) => {
    for (const i of kids.get(parent) ?? []) {
      const n = nodes[i] as TreeNode;
      out.lines.push(lineOf(n));
      out.entries.push(itemOf(n));
      const some = kids.get(i)?.length ?? 0;
      const of = met.get(i) ?? 0;
      if (n.passed) out.passed.push(n.rel);
      // One that could not be read is no deeper for a larger maxDepth: its own note names it.
      else if (n.type === "directory" && !n.unreadable && !n.notUtf8 && some === 0 && (!n.read || of > 0))
        out.unexpanded.push(n.depth);
      // Only the directories just above the level shown in part can be: the levels above it are whole.
      if (some > 0 && some < of) out.partDirs.push({ rel: n.rel, shown: some, of });
      draw(i);
    }
  };
  draw(-1);
  return out;
}
