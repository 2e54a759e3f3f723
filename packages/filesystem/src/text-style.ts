// A file rewritten whole by a model comes back with LF line ends and no byte order mark, whatever it had: for a
// Windows project every line then differs in git. write_file writes what it is given, and says what changed.
import { crOnly } from "./shown-text.js";
import { bomEncoding, decodeMarked } from "./utf16.js";

/** Bytes of the old file looked at: enough to see how its lines end. */
export const STYLE_HEAD_BYTES = 8192;

/**
 * What the new `content` drops of the old file's style, judged from the old file's first bytes: CRLF line ends (every
 * line end there CRLF) or CR ones (classic Mac) written as LF only, and a UTF-8 byte order mark left out (a UTF-16
 * file's is kept, as a UTF-32 one's: write_file writes such a file in its encoding). Undefined when it keeps them, or
 * the old file had none (or was not text).
 */
export function styleDropped(oldHead: Buffer, content: string): string | undefined {
  const lost: string[] = [];
  const keep: string[] = [];
  const encoding = bomEncoding(oldHead);
  const head = encoding ? decodeMarked(oldHead, encoding) : oldHead.toString("latin1");
  if (head.includes("\r\n") && !/(^|[^\r])\n/.test(head) && content.includes("\n") && !content.includes("\r\n")) {
    lost.push("CRLF line ends (this content has LF)");
    keep.push("\\r\\n line ends");
  }
  if (crOnly(head) && content.includes("\n") && !content.includes("\r")) {
    lost.push("CR line ends (classic Mac; this content has LF)");
    keep.push("\\r line ends");
  }
  if (head.startsWith("\xef\xbb\xbf") && !content.startsWith("\uFEFF")) {
    lost.push("a UTF-8 byte order mark");
    keep.push("a leading \\uFEFF");
  }
  if (lost.length === 0) return undefined;
  return `the file had ${lost.join(" and ")}; write ${keep.join(" and ")} to keep the file as it was`;
}
