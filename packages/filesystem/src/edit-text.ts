// The text edit_file edits in a file's bytes, and the bytes it writes back: UTF-8 as it is, BOM-marked UTF-16/32 decoded
// and encoded again with its BOM, and a file whose lines end in CR alone edited as LF lines and written back with CR.
import { firstInvalidUtf8 } from "@mcp-toolkit/core";
import { quote } from "./path-policy.js";
import { ToolError } from "./sandbox.js";
import { crOnly, crToLf } from "./shown-text.js";
import { looksBinary } from "./text.js";
import { hexByte } from "./utf8.js";
import { bomEncoding, decodeMarked, encodeMarked, encodingLabel, markedFault } from "./utf16.js";

/** A file's text as edits see it, and how an edited text becomes the file's bytes again, in its form. */
export interface EditableText {
  text: string;
  /** The file's bytes for `text`: byte for byte the file's own wherever the text is unchanged. */
  encode: (text: string) => Buffer;
  /** An edit's oldText or newText as `text` spells line ends: in a CR-ended file, each CR or CRLF as LF. */
  lines: (edit: string) => string;
  /** The file's lines end in CR alone, which `text` spells LF (and so does a diff of it). */
  crLines: boolean;
}

/**
 * The text of file `path` whose bytes are `bytes`, or a refusal naming why its text cannot be edited without changing
 * bytes no edit touched: binary, not UTF-8, or UTF-16 or UTF-32 that does not decode losslessly.
 */
export function editableText(path: string, bytes: Buffer): EditableText {
  const encoding = bomEncoding(bytes);
  let text: string;
  if (encoding) {
    const fault = markedFault(bytes, encoding);
    if (fault) {
      throw new ToolError(
        `${quote(path)}: ${encodingLabel(encoding)} file with ${fault}, which would be written back as U+FFFD; edit_file changed nothing (write_file can replace the whole file)`,
      );
    }
    text = decodeMarked(bytes, encoding);
  } else {
    if (looksBinary(bytes)) throw new ToolError(`${quote(path)}: binary file; edit_file edits text only`);
    const fault = firstInvalidUtf8(bytes);
    if (fault) {
      // Decoding would turn each such byte into U+FFFD, and writing back would change lines no edit touched.
      const at = `byte offset ${fault.offset} (${hexByte(fault.byte)}, line ${fault.line})`;
      throw new ToolError(
        `${quote(path)}: not UTF-8 at ${at}; edit_file edits UTF-8 text only and changed nothing. write_file can replace the whole file (it writes UTF-8)`,
      );
    }
    text = bytes.toString("utf8");
  }
  // With no LF in it, each CR as LF is a one-to-one change: edits match, and count lines, as in any other file.
  const cr = crOnly(text);
  const toFile = (edited: string) => (cr ? edited.replaceAll("\n", "\r") : edited);
  return {
    text: cr ? text.replaceAll("\r", "\n") : text,
    encode: (edited) => (encoding ? encodeMarked(toFile(edited), encoding) : Buffer.from(toFile(edited), "utf8")),
    lines: (edit) => (cr ? crToLf(edit) : edit),
    crLines: cr,
  };
}
