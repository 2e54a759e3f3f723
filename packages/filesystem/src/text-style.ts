// A file rewritten whole by a model comes back with LF line ends and no byte order mark, whatever it had: for a
// Windows project every line then differs in git. write_file writes what it is given, and says what changed.

/** Bytes of the old file looked at: enough to see how its lines end. */
export const STYLE_HEAD_BYTES = 8192;

/**
 * What the new `content` drops of the old file's style, judged from the old file's first bytes: CRLF line ends (every
 * line end there CRLF) written as LF only, and a UTF-8 byte order mark left out. Undefined when it keeps both, or
 * the old file had neither (or was not text).
 */
export function styleDropped(oldHead: Buffer, content: string): string | undefined {
  const lost: string[] = [];
  const keep: string[] = [];
  const head = oldHead.toString("latin1");
  if (head.includes("\r\n") && !/(^|[^\r])\n/.test(head) && content.includes("\n") && !content.includes("\r\n")) {
    lost.push("CRLF line ends (this content has LF)");
    keep.push("\\r\\n line ends");
  }
  if (head.startsWith("\xef\xbb\xbf") && !content.startsWith("\uFEFF")) {
    lost.push("a UTF-8 byte order mark");
    keep.push("a leading \\uFEFF");
  }
  if (lost.length === 0) return undefined;
  return `the file had ${lost.join(" and ")}; write ${keep.join(" and ")} to keep the file as it was`;
}
