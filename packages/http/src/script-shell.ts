// A single-page app's HTML is a shell: a title, an empty <div id="root"> and the scripts that fill it in the browser.
// Converted, it reads "# App" and nothing more, which a model takes for an empty page. Pure: the page and its markdown.

/** Fewer characters of text than this (markdown links' URLs and whitespace aside) read as an unfilled shell. */
const SHELL_TEXT = 100;

/** A `<script src>`: the bundle an app loads (an inline snippet alone is more often analytics than the page). */
const SCRIPT_SRC = /<script\s(?:[^<>]*?\s)?src\s*=/i;

/** Whether `html`, converted to `markdown` (its title heading aside), is a page its scripts fill in. */
export function isScriptShell(html: string, markdown: string): boolean {
  const text = markdown.replace(/\]\([^()\s]*\)/g, "]").replace(/\s+/g, "");
  return text.length < SHELL_TEXT && SCRIPT_SRC.test(html);
}

/** What the model is told of such a page, and what to try instead. */
export const SCRIPT_SHELL_NOTE =
  "[Almost no text: this page has scripts and is likely built in the browser by JavaScript, which this tool does not run. Try the site's JSON API or a server-rendered version of the page; http_request with raw: true shows the HTML as sent, with its script URLs.]";
