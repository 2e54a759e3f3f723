// Which names hold secrets in what the audit trail keeps (argument keys, URL query parameters), and masking them.

/** Keys whose values are never shown in a preview, whatever the server's own redactor knows. */
export const SECRET_KEY = /authorization|cookie|token|secret|password|passwd|api[-_]?key|credential/i;

/** A URL's query parameters under secret-looking names (`?token=…&api_key=…`), in any text, with their values redacted. */
export function withoutQuerySecrets(text: string): string {
  if (!text.includes("=")) return text;
  return text.replace(/([?&;])([^=&#\s"?;]+)=([^&#\s";]*)/g, (whole, sep: string, name: string) =>
    SECRET_KEY.test(decodeName(name)) ? `${sep}${name}=[redacted]` : whole,
  );
}

/**
 * A URL's user:password part (`https://ann:pw@host`, or a token written as the user: `https://ghp_…@github.com`), in
 * any text, replaced by `[redacted]`: a tool refuses such a URL, but its call is audited as it was sent.
 */
export function withoutUserinfo(text: string): string {
  if (!text.includes("@")) return text;
  // Up to the authority's last @, as URL parsers read it: `https://ann:p@ss@host` has the password `p@ss`.
  return text.replace(/\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#"]+@/gi, "$1[redacted]@");
}

/** A query parameter's name as written or percent-decoded (`api%5Fkey`), whichever can be read. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}
