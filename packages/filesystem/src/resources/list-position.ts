// Where a file listing stopped, as a resources/list cursor carries it: the root (by its real path, so a client that
// changes its roots between pages cannot shift the listing onto another one), the path of the last entry the walk
// went past, and how many files were listed before, which keeps the whole listing within maxEntries. The server
// keeps nothing between pages; core wraps this in the opaque, checksummed cursor.
import { resourceError } from "@mcp-toolkit/core";

/** A listing's place: root index (in the current roots), the names of the path within it, files listed so far. */
export interface ListPosition {
  root: string;
  path: string[];
  listed: number;
}

/** The position as the cursor carries it. Pure. */
export function writePosition(position: ListPosition): string {
  return JSON.stringify([position.root, position.path.join("/"), position.listed]);
}

const AGAIN = "list again without a cursor to start over";

/**
 * The position `text` names among `roots`; refuses (invalid params) one that is not a position, or whose root the
 * client's roots no longer hold (the entries after it are then unknown). Pure.
 */
export function readPosition(
  text: string,
  roots: readonly string[],
  maxEntries: number,
): { root: number; path: string[]; listed: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const [root, rel, listed] = Array.isArray(parsed) ? parsed : [];
  const names = typeof rel === "string" ? rel.split("/") : [];
  const valid =
    typeof root === "string" &&
    names.every((n) => n !== "" && n !== "." && n !== ".." && !n.includes("\0")) &&
    Number.isSafeInteger(listed) &&
    listed >= 0 &&
    listed <= maxEntries;
  if (!valid) throw resourceError(`Invalid cursor: not a place in the file listing; ${AGAIN}`);
  const index = roots.indexOf(root);
  if (index < 0) {
    throw resourceError(
      `Invalid cursor: the listing it continues was in ${JSON.stringify(root)}, no longer a root (the roots changed since); ${AGAIN}`,
    );
  }
  return { root: index, path: names, listed: listed as number };
}
