// How much body one result may carry. The call's max_length says what the model wants; the operator's ceiling says
// what one result may cost in tokens, whatever the model asks (max_length 1e12 would otherwise return everything
// read, up to maxResponseBytes). Pure: the server resolves the settings once, the handler asks per call.
import { type SettingNames, wholeNumberProblem } from "@mcp-toolkit/core";
import { mediaType } from "./media-type.js";

/** The ceiling when the operator sets none: about 25k tokens of text per result. */
export const DEFAULT_MAX_LENGTH_LIMIT = 100_000;

/** Body characters per result when neither the call nor the operator says: this, or the ceiling if lower. */
export const DEFAULT_MAX_LENGTH = 10_000;

/** The default length and the ceiling in force, both checked. */
export interface LengthSettings {
  maxLength: number;
  maxLengthLimit: number;
}

/**
 * Check the two settings and fill in what is unset. The ceiling: the operator's, else 100 000 or `maxLength` if that
 * is higher (so a large default set before the ceiling existed keeps working). The default: the operator's, else
 * 10 000 or the ceiling if that is lower (a ceiling alone is a complete setting). A default set over an explicit
 * ceiling is a contradiction, refused with both settings named. Throws RangeError.
 */
export function resolveLengthSettings(
  setMaxLength: number | undefined,
  maxLengthLimit: number | undefined,
  names: SettingNames,
): LengthSettings {
  const maxLength =
    setMaxLength ??
    (maxLengthLimit !== undefined && maxLengthLimit >= 1
      ? Math.min(DEFAULT_MAX_LENGTH, maxLengthLimit)
      : DEFAULT_MAX_LENGTH);
  const problem =
    wholeNumberProblem(maxLength, names("maxLength"), { min: 1 }) ??
    (maxLengthLimit === undefined
      ? undefined
      : wholeNumberProblem(maxLengthLimit, names("maxLengthLimit"), { min: 1 }));
  if (problem) throw new RangeError(problem);
  if (maxLengthLimit === undefined) return { maxLength, maxLengthLimit: Math.max(DEFAULT_MAX_LENGTH_LIMIT, maxLength) };
  if (maxLength > maxLengthLimit) {
    throw new RangeError(
      `${names("maxLength", String(maxLength))} is over ${names("maxLengthLimit", String(maxLengthLimit))}: lower the first or raise the second to ${maxLength}`,
    );
  }
  return { maxLength, maxLengthLimit };
}

/** The characters one page may hold, and the max_length asked for when the ceiling cut it down. */
export interface PageLength {
  length: number;
  overLimit?: number;
}

/** A call's page length: its max_length (floored), else the server's default, never over the ceiling. */
export function pageLength(asked: number | undefined, defaultLength: number, limit: number): PageLength {
  if (asked === undefined) return { length: Math.min(defaultLength, limit) };
  const length = Math.max(1, Math.floor(asked));
  return length > limit ? { length: limit, overLimit: asked } : { length };
}

/** The line a result carries when the ceiling shortened it: what was asked, the limit and its setting, what came. */
export function overLimitNote(asked: number, limit: number, returned: number, setting: string): string {
  const shown = Number.isSafeInteger(asked) ? String(asked) : asked.toExponential();
  return `[max_length ${shown} is over this server's limit of ${limit} characters per result, set by ${setting}; returned ${returned} characters]`;
}

/**
 * Decoded body bytes that surely hold the first `chars` characters (code points) in any charset (none takes over 4
 * bytes a code point), plus one, so a body that goes on still shows that it does.
 */
export function bytesForChars(chars: number): number {
  return 4 * chars + 1;
}

/**
 * Whether a body of this type is shown exactly as read, so its first bytes render as its first characters and reading
 * may stop once the page is in hand: text other than HTML, and with `raw` also JSON and XML. Pretty JSON and HTML
 * converted to markdown need the whole body, and a binary's size is reported.
 */
export function shownAsRead(contentType: string | undefined, raw: boolean): boolean {
  const mime = mediaType(contentType);
  if (mime.startsWith("text/")) return raw || mime !== "text/html";
  return raw && /^application\/([\w.-]+\+)?(json|xml)$/.test(mime);
}
