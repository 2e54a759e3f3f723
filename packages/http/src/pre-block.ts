import type { PostProcessResult, TranslatorConfigFactory } from "node-html-markdown";

/** A language named by a class such as `language-js`, `lang-js`, `highlight-python` or GitHub's `highlight-source-js`. */
const LANGUAGE_CLASS = /(?:^|\s)(?:language|lang|highlight)-(?:source-)?([\w+#.-]+)/i;
/** Class suffixes that name no language (Sphinx writes `highlight-default`). */
const NO_LANGUAGE = new Set(["default", "none", "plain", "plaintext", "nohighlight"]);
/** How many ancestors are searched for a language class: Sphinx puts it two levels above its <pre>. */
const LANGUAGE_ANCESTORS = 3;

interface ElementLike {
  tagName?: string;
  getAttribute(name: string): string | null | undefined;
  parentNode?: unknown;
  childNodes?: ArrayLike<unknown>;
}

/**
 * Every `<pre>` as a fenced code block, not only `<pre><code>`: Sphinx, Javadoc and man pages write bare `<pre>`,
 * whose lines would otherwise read as markdown (`# comment` as a heading, `* x` as a list). Whitespace is kept,
 * nothing is escaped, and the fence is longer than any run of backticks inside. `remove` is the library's
 * PostProcessResult.RemoveNode, passed in because the library is loaded lazily.
 */
export function preBlock(remove: PostProcessResult): TranslatorConfigFactory {
  return ({ node, visitor }) => ({
    noEscape: true,
    preserveWhitespace: true,
    surroundingNewlines: 2,
    // The code-block set: inner <code>, <span> and <br> give plain text and line breaks.
    childTranslators: visitor.instance.codeBlockTranslators,
    postprocess: ({ content }) => {
      const code = content.replace(/^(?:[^\S\n]*\n)+/, "").trimEnd();
      if (code === "") return remove;
      const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
      const fence = "`".repeat(Math.max(3, longest + 1));
      return `${fence}${codeLanguage(node as ElementLike)}\n${code}\n${fence}`;
    },
  });
}

/** The language of a `<pre>`: from its own class, a `<code>` child's, or a near ancestor's. */
export function codeLanguage(pre: ElementLike): string {
  const candidates: ElementLike[] = [pre];
  for (const child of Array.from(pre.childNodes ?? [])) {
    if ((child as ElementLike).tagName?.toUpperCase() === "CODE") candidates.push(child as ElementLike);
  }
  let ancestor = pre.parentNode as ElementLike | undefined;
  for (let level = 0; level < LANGUAGE_ANCESTORS && ancestor?.getAttribute; level++) {
    candidates.push(ancestor);
    ancestor = ancestor.parentNode as ElementLike | undefined;
  }
  for (const element of candidates) {
    const language = LANGUAGE_CLASS.exec(element.getAttribute("class") ?? "")?.[1]?.toLowerCase();
    if (language && !NO_LANGUAGE.has(language)) return language;
  }
  return "";
}

/**
 * A line that opens a fenced code block: three or more backticks (indented or not, as in a list item), then an info
 * string with none, as CommonMark has it. A paragraph that starts with inline code of backticks (```` ``` ```` opens
 * a block) is not one. Groups: the indentation, the fence.
 */
export const FENCE_OPENER = /^(\s*)(`{3,})[^`]*$/;

/**
 * At most one blank line in a row, outside fenced code blocks: a code block's blank lines are its content (two
 * between Python functions, a YAML or heredoc body), so the library's own collapsing, which reaches into the fences,
 * is turned off and this runs after it. Line by line, so linear; a fence left open keeps the rest as it is.
 */
export function collapseBlankLines(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  let blanks = 0;
  for (const line of markdown.split("\n")) {
    const trimmed = line.trim();
    if (fence !== undefined) {
      if (trimmed === fence) fence = undefined;
      out.push(line);
      continue;
    }
    fence = FENCE_OPENER.exec(trimmed)?.[2];
    blanks = trimmed === "" ? blanks + 1 : 0;
    if (blanks < 2) out.push(line);
  }
  return out.join("\n");
}
