// A file that starts as an image, read as one for the model: whole and within maxImageBytes and maxImageSide, or
// refused with why.
import { imageProblem, imageSideProblem } from "@mcp-toolkit/core";
import { SIZE_REFUSAL } from "./errors.js";
import type { Context } from "./options.js";
import type { BinaryOutcome, ReadOutcome } from "./read.js";
import { wholeBytes } from "./read-io.js";
import { ToolError } from "./sandbox.js";
import { looksBinary, sizeOverLimit } from "./text.js";

/** A file whose first bytes are an image format's: what it is, and how it is named in messages. */
export interface ImageCandidate {
  fd: number;
  head: Buffer;
  size: number;
  shown: string;
  image: string;
}

/**
 * A file that starts as an image, read as one: the image, or its bytes for a reader of blobs when it is not whole.
 * Undefined for text that only starts like one (`GIF89a is…`: no NUL in its head, which every real image header
 * has), read as text. Refused: an image over maxImageBytes, one cut short, and (for a model) one over maxImageSide,
 * which a model's API would refuse.
 */
export function imageOutcome(
  ctx: Context,
  { fd, head, size, shown, image }: ImageCandidate,
  binaries: "refuse" | "blob",
): ReadOutcome | BinaryOutcome | undefined {
  const textual = !looksBinary(head);
  if (size > ctx.limits.maxImageBytes) {
    if (textual) return undefined;
    const over = sizeOverLimit(size, ctx.limits.maxImageBytes);
    throw new ToolError(
      `${shown}: ${image} of ${over.size}, over the ${over.limit} image limit, set by ${ctx.names("maxImageBytes")}; get_file_info shows its details`,
      SIZE_REFUSAL,
    );
  }
  const bytes = wholeBytes(fd, head, size);
  const problem = imageProblem(image, bytes);
  if (!problem) {
    // A reader of blobs gets the bytes whatever their size; a model gets no image its API would refuse.
    const tooLarge = binaries === "refuse" && imageSideProblem(image, bytes, ctx.limits.maxImageSide);
    if (tooLarge) {
      throw new ToolError(
        `${shown}: ${image} of ${tooLarge}, set by ${ctx.names("maxImageSide")}; not sent, as Claude's API refuses a larger image and the whole request with it — a copy scaled down to fewer pixels can be read`,
        SIZE_REFUSAL,
      );
    }
    return { kind: "image", data: bytes.toString("base64"), mimeType: image };
  }
  if (textual) return undefined;
  if (binaries === "blob") return { kind: "binary", data: bytes.toString("base64") };
  throw new ToolError(
    `${shown}: starts as ${image} but is not a whole image (${problem}); not sent, as a model's API would refuse it — get_file_info shows its size`,
  );
}
