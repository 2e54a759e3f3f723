// Which bodies that are not text go to the model as image content. The bytes decide (their magic numbers), not the
// Content-Type alone: a chart served as application/octet-stream is still a PNG, and an error page typed image/png is
// no image, which a model's API would refuse, and the whole request with it. Pure: the limit comes in as an argument.
import { IMAGE_FORMATS, IMAGE_MEDIA_TYPES, imageSideProblem, imageVerdict, type SettingNames } from "@mcp-toolkit/core";

/** The largest image sent as image content, in bytes and in pixels a side, and the settings that set them. */
export interface ImageLimit {
  maxBytes: number;
  setting: string;
  maxSide: number;
  sideSetting: string;
}

/** Whether a body starts as a PNG, JPEG, GIF or WebP (its magic, and a NUL in its head, which no text has). */
export function sniffsImage(body: Buffer): boolean {
  return imageVerdict(body, Number.POSITIVE_INFINITY) !== undefined;
}

/**
 * A body not shown as text (`mime` is its declared media type): the image type to send it as, or why it is only
 * summarised. `cut` says what stopped its read early: a limit, or having the page of text asked for in hand. An image
 * over the image limits (bytes, or pixels a side) is a `size` refusal, as the filesystem server's is; one the read
 * limit cut is an answer.
 */
export function judgeImageBody(
  body: Buffer,
  mime: string,
  cut: false | "limit" | "page",
  limit: ImageLimit,
): { mimeType: string } | { why: string; refusal?: "size" } {
  const verdict = imageVerdict(body, limit.maxBytes);
  // A cut body is no whole image, whatever it ends with; the result's note says which limit cut it.
  if (cut === "limit" && verdict) return { why: `an ${verdict.mimeType} cut short, so not a whole image` };
  // Typed as text, it was read only as far as a page of text needs: a larger page reads more.
  if (cut === "page" && verdict) {
    return {
      why: `an ${verdict.mimeType} typed ${mime}, read only as far as the page of text asked for, so not whole; http_request with a larger max_length reads more`,
    };
  }
  if (verdict && body.length > limit.maxBytes) {
    return {
      why: `an ${verdict.mimeType} over the ${limit.maxBytes}-byte image limit, set by ${limit.setting}`,
      refusal: "size",
    };
  }
  if (verdict?.refused) return { why: `an ${verdict.mimeType} that is ${verdict.refused}` };
  const tooLarge = verdict && imageSideProblem(verdict.mimeType, body, limit.maxSide);
  if (tooLarge) {
    return {
      why: `an ${verdict.mimeType} of ${tooLarge}, set by ${limit.sideSetting}; Claude's API refuses a larger image and the whole request with it`,
      refusal: "size",
    };
  }
  if (verdict) return { mimeType: verdict.mimeType };
  if (IMAGE_MEDIA_TYPES.has(mime)) return { why: `typed ${mime}, but its bytes are not a ${IMAGE_FORMATS} image` };
  if (mime.startsWith("image/")) return { why: `only ${IMAGE_FORMATS} images are returned as image content` };
  return { why: `only images (${IMAGE_FORMATS}) are returned, as image content` };
}

/**
 * The start-up line for an image limit over the read limit: a body is read only up to maxResponseBytes, so an image
 * between the two is always cut and summarised, never sent. Undefined when the limits agree.
 */
export function imageLimitWarning(
  maxImageBytes: number,
  maxResponseBytes: number,
  names: SettingNames,
): string | undefined {
  if (maxImageBytes <= maxResponseBytes) return undefined;
  return `${names("maxImageBytes", String(maxImageBytes))} is over ${names("maxResponseBytes", String(maxResponseBytes))}, the read limit: an image body of more than ${maxResponseBytes} bytes is cut there and summarised, not sent; raise the second to ${maxImageBytes} or lower the first`;
}
