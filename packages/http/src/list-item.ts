import type { PostProcessResult, TranslatorConfigFactory } from "node-html-markdown";

interface NodeLike {
  tagName?: string;
  parentNode?: unknown;
}

/**
 * node-html-markdown's list item, with its two regular expressions rewritten to run in linear time. Its own
 * `(\S+?)[^\S\r\n]+$` retries the lazy `\S+?` from every character of a long word (a 20,000-character word took
 * seconds per list level), and `(?:\r?\n)+(?!…\s*…)` backtracked through runs of newlines. Three changes besides:
 * `<ol start>` is numbered from its start; a nested list is indented by its parent's marker width, as CommonMark needs
 * (3 under `1. `, where the library's 2 spaces end the parent list); and a code block inside an item keeps its lines
 * as they are, indented into the item, where the library's line breaks (`  `) would be added to the code.
 * `remove` is the library's PostProcessResult.RemoveNode, passed in because the library is loaded lazily.
 */
export function listItem(remove: PostProcessResult): TranslatorConfigFactory {
  // Where each item's content starts, so an item inside it starts there too. Per converter, so per page; a parent
  // item is translated before its children.
  const columns = new WeakMap<object, number>();
  return ({ options: { bulletMarker }, listKind, listItemNumber, parent, node }) => {
    // The library counts from 1 whatever the list says: steps 4-6 after a code block (`<ol start="4">`) read 1-3.
    const number = listItemNumber === undefined ? undefined : listItemNumber + listStart(parent) - 1;
    const marker = listKind === "OL" && number !== undefined ? `${number}. ` : `${bulletMarker} `;
    const outer = " ".repeat(enclosingColumn(node, columns));
    const column = outer.length + marker.length;
    columns.set(node, column);
    return {
      prefix: outer + marker,
      surroundingNewlines: 1,
      postprocess: ({ content }) => (/\S/.test(content) ? itemBody(content.trim(), outer, column) : remove),
    };
  };
}

/**
 * An item's content with its lines joined as the library joins them (blank lines dropped, a hard break `  ` between
 * lines, continuation lines at `outer`), except fenced code: its lines are kept, shifted to the item's `column`
 * unless a nested item already placed them. One pass over the lines, so linear in the content.
 */
function itemBody(content: string, outer: string, column: number): string {
  const parts: string[] = [];
  let text: string[] = [];
  let fence: string | undefined;
  let shift = "";
  const flush = () => {
    const joined = joinText(text.join("\n").replace(/^\s*\n|\n\s*$/g, ""), outer);
    // Text after a code block is no lazy continuation (the fence ended the paragraph): it goes to the item's column,
    // unless a nested item already put it there.
    const placed = parts.length === 0 || startsBlock(joined) || indentOf(joined) >= column;
    if (joined !== "") parts.push(placed ? joined : " ".repeat(column) + joined);
    text = [];
  };
  for (const line of content.split(/\r?\n/)) {
    if (fence === undefined) {
      const open = /^([^\S\r\n]*)(`{3,}|~{3,})/.exec(line);
      if (!open) {
        text.push(line);
        continue;
      }
      flush();
      fence = open[2] ?? "```";
      shift = parts.length > 0 && indentOf(line) < column ? " ".repeat(column) : "";
      parts.push(shift + line);
      continue;
    }
    parts.push(line === "" ? line : shift + line);
    const close = line.trim();
    if (close.length >= fence.length && close === (fence[0] ?? "`").repeat(close.length)) fence = undefined;
  }
  flush();
  return parts.join("\n");
}

/** Text lines joined as the library joins them, in linear time. */
function joinText(text: string, outer: string): string {
  return (
    text
      // Taking every newline first (the `(?!\r?\n)`) leaves nothing to backtrack into: fewer newlines could never
      // pass the look-ahead that all of them failed.
      .replace(/([^\r\n])(?:\r?\n)+(?!\r?\n)(?!\s*[-*+]|\s*\d+\.|\s*\|)/g, `$1  \n${outer}`)
      // A look-behind is tried once per position; the old lazy group rescanned the whole word.
      .replace(/(?<=\S)[^\S\r\n]+$/gm, "  ")
  );
}

function indentOf(line: string): number {
  return /^[^\S\r\n]*/.exec(line)?.[0].length ?? 0;
}

/** A line a nested list or table begins, which keeps its own indentation. */
function startsBlock(line: string): boolean {
  return /^\s*(?:[-*+]|\d+\.|\|)/.test(line);
}

/** The content column of the nearest list item around `node`; 0 outside any. */
function enclosingColumn(node: unknown, columns: WeakMap<object, number>): number {
  let current = (node as NodeLike).parentNode as NodeLike | undefined;
  while (current) {
    if (current.tagName?.toUpperCase() === "LI") return columns.get(current) ?? 0;
    current = current.parentNode as NodeLike | undefined;
  }
  return 0;
}

/** The number an ordered list's `start` attribute gives its first item; 1 without a valid one. */
function listStart(list: { getAttribute?: (name: string) => string | undefined } | undefined): number {
  const start = list?.getAttribute?.("start")?.trim() ?? "";
  return /^\d{1,9}$/.test(start) ? Number(start) : 1;
}
