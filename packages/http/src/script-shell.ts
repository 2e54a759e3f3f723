// A single-page app's HTML is a shell: a title, an empty <div id="root"> and the scripts that fill it in the browser.
// Converted, it reads "# App" and nothing more, which a model takes for an empty page. Pure: the page and its markdown.

/** Fewer characters of text than this (markdown links' URLs and whitespace aside) read as an unfilled shell… */
const SHELL_TEXT = 100;

/**
 * …unless a line of it holds this many words outside links: a sentence, which a shell does not have ("Loading…" is one word), while
 * a small static page with an analytics script does ("We are a bakery in Leeds.").
 */
const SENTENCE_WORDS = 5;

/** A markdown link or image, whose text is a menu's or a logo's more often than a sentence's (an image inside a link first). */
const LINK = /!?\[[^[\]]*\]\([^()\s]*\)/g;

/** A line asking for JavaScript is a shell's own message, not the page's text. */
const ASKS_FOR_SCRIPT = /javascript/i;

/** A `<script src>`: the bundle an app loads (an inline snippet alone is more often analytics than the page). */
const SCRIPT_SRC = /<script\s(?:[^<>]*?\s)?src\s*=/i;

/** Whether `html`, converted to `markdown` (its title heading aside), is a page its scripts fill in. */
export function isScriptShell(html: string, markdown: string): boolean {
  const text = markdown.replace(/\]\([^()\s]*\)/g, "]");
  if (text.replace(/\s+/g, "").length >= SHELL_TEXT || !SCRIPT_SRC.test(html)) return false;
  const prose = markdown.replace(LINK, " ").replace(LINK, " ");
  // One segmenter for the page's lines (it keeps no state between them). Not a module constant: the bins start from a
  // V8 startup snapshot, which cannot hold an Intl object.
  const words = new Intl.Segmenter(undefined, { granularity: "word" });
  return !prose.split("\n").some((line) => !ASKS_FOR_SCRIPT.test(line) && wordCount(words, line) >= SENTENCE_WORDS);
}

/** Words as Intl.Segmenter finds them, so a line of Chinese or Japanese, written without spaces, counts its words. */
function wordCount(words: Intl.Segmenter, line: string): number {
  let count = 0;
  for (const segment of words.segment(line)) {
    if (segment.isWordLike) count++;
  }
  return count;
}

/** What the model is told of such a page, and what to try instead. */
export const SCRIPT_SHELL_NOTE =
  "[Almost no text: this page has scripts and is likely built in the browser by JavaScript, which this tool does not run. Try the site's JSON API or a server-rendered version of the page; http_request with raw: true shows the HTML as sent, with its script URLs.]";
