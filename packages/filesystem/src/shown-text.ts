// A file's bytes as the line tools see them: UTF-8 as it is, BOM-marked UTF-16 or UTF-32 decoded to UTF-8, and the
// lines of a file whose line ends are CR alone (classic Mac, some CSV exports) split there, as they would be at "\n".
import {
  type BomEncoding,
  bomEncoding,
  bomLength,
  type ChunkDecoder,
  decodeMarked,
  encodingLabel,
  markedDecoder,
} from "./utf16.js";

/** Bytes of a file's start that decide how its lines end, as write_file's style note judges them. */
export const FORM_HEAD_BYTES = 8192;

/** How a file's bytes become the text the line tools show: its encoding, and whether CR alone ends its lines. */
export interface TextForm {
  encoding?: BomEncoding | undefined;
  /** Its first 8 KiB hold a CR and no LF: every CR, CRLF or LF ends a line (a CRLF once). */
  crLines: boolean;
}

/** The form of a file whose first bytes are `head` (at least its first FORM_HEAD_BYTES, when it has them). */
export function textForm(head: Buffer): TextForm {
  const encoding = bomEncoding(head);
  const start = head.subarray(0, FORM_HEAD_BYTES);
  if (!encoding) return { crLines: start.includes(13) && !start.includes(10) };
  return { encoding, crLines: crOnly(decodeMarked(start, encoding)) };
}

/** Whether `text` ends its lines with CR alone: it holds a CR and no LF. */
export function crOnly(text: string): boolean {
  return text.includes("\r") && !text.includes("\n");
}

/** A whole text with its CR and CRLF line ends as LF: how a CR-ended file's lines are searched and edited. */
export function crToLf(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** A file's whole text as the line tools show it, `bytes` being all of it (ShownText turns a large one chunk by chunk). */
export function wholeText(bytes: Buffer, form: TextForm): string {
  const text = form.encoding ? decodeMarked(bytes, form.encoding) : bytes.toString("utf8");
  return form.crLines ? crToLf(text) : text;
}

/** What a read says of a file in another form than UTF-8 with LF or CRLF line ends; empty when it is not. */
export function formNote({ encoding, crLines }: TextForm): string {
  const parts = [
    encoding
      ? `${encodingLabel(encoding)} text (it has a byte order mark), shown decoded: edit_file and write_file keep its encoding`
      : "",
    crLines ? "lines end in CR alone (classic Mac), shown as line breaks: edit_file writes them back as CR" : "",
  ].filter(Boolean);
  return parts.length === 0 ? "" : `[${parts.join("; ")}]`;
}

/**
 * Turns a file's bytes, chunk by chunk, into the UTF-8 text the line scanner reads, for a file of `form`. UTF-8 with
 * LF or CRLF line ends passes through untouched. Memory is one chunk: a read of a huge file stays bounded.
 */
export class ShownText {
  private readonly decoder: ChunkDecoder | undefined;
  private afterCr = false;
  /** Bytes of the BOM still to leave out. */
  private bom: number;

  /** `atStart`: the first chunk pushed begins at the file's byte 0 (its BOM), else on a code unit. */
  constructor(
    private readonly form: TextForm,
    atStart = true,
  ) {
    this.decoder = form.encoding && markedDecoder(form.encoding);
    this.bom = atStart && form.encoding ? bomLength(form.encoding) : 0;
  }

  /** The text of the next chunk of the file. */
  push(chunk: Buffer): Buffer {
    let bytes = chunk;
    if (this.decoder) {
      const from = Math.min(this.bom, chunk.length);
      this.bom -= from;
      bytes = Buffer.from(this.decoder.decode(chunk.subarray(from), { stream: true }), "utf8");
    }
    return this.form.crLines ? this.lines(bytes) : bytes;
  }

  /** What is left at the end of the file: a code unit cut short (an odd last byte of UTF-16), as U+FFFD. */
  end(): Buffer {
    return this.decoder ? this.lines(Buffer.from(this.decoder.decode(), "utf8")) : Buffer.alloc(0);
  }

  /** CR as LF, and the LF of a CRLF left out, across chunks. */
  private lines(bytes: Buffer): Buffer {
    if (!this.form.crLines || bytes.length === 0) return bytes;
    const out = Buffer.allocUnsafe(bytes.length);
    let n = 0;
    for (const byte of bytes) {
      if (byte === 10 && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = byte === 13;
      out[n++] = byte === 13 ? 10 : byte;
    }
    return out.subarray(0, n);
  }
}
