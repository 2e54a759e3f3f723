/**
 * Whether a body served with no Content-Type (or only a bytes one) is HTML: after an optional UTF-8 byte-order mark and whitespace it
 * starts with `<!doctype html` or `<html`, then a space or `>` (WHATWG MIME sniffing's first two HTML patterns).
 */
export function sniffsHtml(body: Uint8Array): boolean {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 512)).toString("latin1");
  return /^(?:\xef\xbb\xbf)?[\t\n\f\r ]*<(?:!doctype[\t\n\f\r ]+html|html)[\t\n\f\r >]/i.test(head);
}
