import type { PostProcessResult, TranslatorConfigFactory } from "node-html-markdown";

/**
 * node-html-markdown's list item, with its two regular expressions rewritten to run in linear time. Its own
 * `(\S+?)[^\S\r\n]+$` retries the lazy `\S+?` from every character of a long word (a 20,000-character word took
 * seconds per list level), and `(?:\r?\n)+(?!…\s*…)` backtracked through runs of newlines. Output is unchanged but
 * for `<ol start>`, which is numbered from its start.
 * `remove` is the library's PostProcessResult.RemoveNode, passed in because the library is loaded lazily.
 */
export function listItem(remove: PostProcessResult): TranslatorConfigFactory {
  return ({ options: { bulletMarker, indent }, indentLevel, listKind, listItemNumber, parent }) => {
    const level = Number(indentLevel ?? 0);
    // The library counts from 1 whatever the list says: steps 4-6 after a code block (`<ol start="4">`) read 1-3.
    const number = listItemNumber === undefined ? undefined : listItemNumber + listStart(parent) - 1;
    return {
      prefix: indent.repeat(level) + (listKind === "OL" && number !== undefined ? `${number}. ` : `${bulletMarker} `),
      surroundingNewlines: 1,
      postprocess: ({ content }) =>
        /\S/.test(content)
          ? content
              .trim()
              // Taking every newline first (the `(?!\r?\n)`) leaves nothing to backtrack into: fewer newlines
              // could never pass the look-ahead that all of them failed.
              .replace(/([^\r\n])(?:\r?\n)+(?!\r?\n)(?!\s*[-*+]|\s*\d+\.|\s*\|)/g, `$1  \n${indent.repeat(level)}`)
              // A look-behind is tried once per position; the old lazy group rescanned the whole word.
              .replace(/(?<=\S)[^\S\r\n]+$/gm, "  ")
          : remove,
    };
  };
}

/** The number an ordered list's `start` attribute gives its first item; 1 without a valid one. */
function listStart(list: { getAttribute?: (name: string) => string | undefined } | undefined): number {
  const start = list?.getAttribute?.("start")?.trim() ?? "";
  return /^\d{1,9}$/.test(start) ? Number(start) : 1;
}
