/**
 * Piped input and attached resources reach the model inside tags (`<stdin>…</stdin>`, `<resource …>…</resource>`).
 * Their text is someone else's: a `</stdin>` in a piped file would end its block early, and what follows would read
 * as the user's own words. So a closing tag of the block's own name inside the text is written `<\/name>` (any case,
 * spaces inside the tag too), which ends nothing; all else is sent as it is.
 */

/** `text` with every closing tag of `name` in it escaped (`</stdin>` → `<\/stdin>`), so it cannot close its block. */
export function escapeClosingTag(text: string, name: string): string {
  const closing = new RegExp(String.raw`<(\s*)/(\s*${name}(?![\w-]))`, "gi");
  return text.replace(closing, "<$1\\/$2");
}

/** A block of `text` in `name` tags, with `attributes` on the opening one; the text cannot close it early. */
export function tagged(name: string, text: string, attributes = ""): string {
  return `<${name}${attributes ? ` ${attributes}` : ""}>\n${escapeClosingTag(text, name)}\n</${name}>`;
}
