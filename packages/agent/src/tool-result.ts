import type { ImageBlockParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { IMAGE_MEDIA_TYPES, imageProblem, imageSize, imageType, MAX_IMAGE_SIDE } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { blobText } from "./blob-text.js";
import { audienceOf, forUserNote, userText, userView } from "./content-audience.js";
import { estimateTokens, prefixWithin } from "./token-estimate.js";

/**
 * The Messages API refuses an image over 5 MB, and with it the whole request: such an image becomes a note. It
 * measures the base64 text it was sent (`image.source.base64 … bytes > 5242880`), not the decoded image.
 */
const MAX_IMAGE_BASE64_BYTES = 5 * 1024 * 1024;
/**
 * What one image counts against the output budget: about the most the API charges for one (it scales an image
 * down to about 1.15 megapixels, at 750 pixels a token), as Claude Code counts them.
 */
export const IMAGE_TOKENS = 1600;

/** A tool result ready for the Messages API, with what the transcript and audit log need. */
export interface ConvertedResult {
  content: (TextBlockParam | ImageBlockParam)[];
  isError: boolean;
  /** UTF-8 bytes of the text sent, before any cut. */
  bytes: number;
  /** The text, for a one-line preview: what both the model and the user were meant to see. */
  text: string;
  cut: boolean;
  /** Content the server meant for the user only (audience: user): shown on the terminal, never sent to the model. */
  forUser?: string;
}

/** Cut text to about budgetTokens (token-estimate.ts), on a character boundary, with a notice the model can act on. */
export function applyBudget(text: string, budgetTokens: number): { text: string; cut: boolean } {
  const tokens = estimateTokens(text);
  if (tokens <= budgetTokens) return { text, cut: false };
  const head = text.slice(0, prefixWithin(text, budgetTokens));
  const notice = `\n\n[output cut: the result was about ${tokens} tokens, over the ${budgetTokens}-token budget (--output-budget / MAX_MCP_OUTPUT_TOKENS); ask for less, e.g. a smaller range, a LIMIT, or a page]`;
  return { text: head + notice, cut: true };
}

/**
 * Why an image a server sent cannot go to the Messages API, which refuses the whole request over it: bytes of
 * another format than the media type it was given, an image cut short, or one wider or taller than it takes.
 */
function wholeImageProblem(mimeType: string, data: string): string | undefined {
  const bytes = Buffer.from(data, "base64");
  const actual = imageType(bytes);
  const refused = "the Messages API would refuse it, and the whole request with it";
  if (actual !== mimeType) {
    return `sent as ${mimeType}, but its bytes are ${actual ?? "no image format the API takes"}; ${refused}`;
  }
  const problem = imageProblem(mimeType, bytes);
  if (problem) return `not a whole ${mimeType} (${problem}); ${refused}`;
  const size = imageSize(mimeType, bytes);
  if (!size || Math.max(size.width, size.height) <= MAX_IMAGE_SIDE) return undefined;
  const over = `${size.width}×${size.height} px, over the Messages API's limit of ${MAX_IMAGE_SIDE} px a side`;
  return `${over}; ${refused}; ask for a smaller image (fewer pixels)`;
}

/** Convert an MCP CallToolResult to tool_result content, applying the output budget to its text. */
export function convertResult(result: CallToolResult, budgetTokens: number): ConvertedResult {
  // Text for the model; of it, what the user may see too; and what the user only may see (content-audience.ts).
  const parts: string[] = [];
  const shown: string[] = [];
  const forUser: string[] = [];
  const images: ImageBlockParam[] = [];
  for (const item of result.content ?? []) {
    const audience = audienceOf(item);
    if (audience === "user") {
      forUser.push(userView(item));
      continue;
    }
    const part = modelPart(item, images);
    if (part === undefined) continue;
    parts.push(part);
    if (audience === "both") shown.push(part);
  }
  // Structured content stands in for content only when there is none: beside an image it would be a stray "{}" line.
  if (parts.length === 0 && images.length === 0 && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent));
    shown.push(parts[0] as string);
  }
  if (forUser.length > 0) {
    parts.push(forUserNote(forUser.length, "part", "this result"));
  }
  const full = parts.join("\n");
  const budget = applyBudget(full, budgetTokens);
  const kept = imagesWithin(images.length, budgetTokens - estimateTokens(budget.text));
  const omitted = images.length - kept;
  const note =
    omitted > 0
      ? `[${omitted} of ${images.length} images omitted: each counts about ${IMAGE_TOKENS} tokens against the ${budgetTokens}-token output budget (--output-budget / MAX_MCP_OUTPUT_TOKENS); ask for fewer images at a time]`
      : "";
  const text = [budget.text, note].filter(Boolean).join("\n\n");
  const content: (TextBlockParam | ImageBlockParam)[] = [];
  if (text || images.length === 0) content.push({ type: "text", text: text || "(no output)" });
  content.push(...images.slice(0, kept));
  const hidden = shown.length < parts.length - (forUser.length > 0 ? 1 : 0);
  return {
    content,
    isError: result.isError === true,
    bytes: Buffer.byteLength(full, "utf8"),
    text: shown.join("\n") || (hidden ? "(for the model only, not shown)" : forUser.length > 0 ? "(shown below)" : ""),
    cut: budget.cut || omitted > 0,
    ...(forUser.length > 0 ? { forUser: userText(forUser) } : {}),
  };
}

/** One content item as the model gets it: its text (or a note in its place), or undefined for an image it is sent. */
function modelPart(
  item: NonNullable<CallToolResult["content"]>[number],
  images: ImageBlockParam[],
): string | undefined {
  switch (item.type) {
    case "text":
      return item.text;
    case "image":
      if (IMAGE_MEDIA_TYPES.has(item.mimeType) && item.data.length > MAX_IMAGE_BASE64_BYTES) {
        const mb = (item.data.length / 1024 / 1024).toFixed(1);
        return `[image omitted: ${mb} MB as base64, over the Messages API's 5 MB limit; ask for a smaller image (fewer pixels, or JPEG instead of PNG)]`;
      }
      if (IMAGE_MEDIA_TYPES.has(item.mimeType)) {
        const problem = wholeImageProblem(item.mimeType, item.data);
        if (problem) return `[image omitted: ${problem}]`;
        images.push({
          type: "image",
          source: { type: "base64", media_type: item.mimeType as "image/png", data: item.data },
        });
        return undefined;
      }
      return `[image of type ${item.mimeType} omitted: unsupported by the Messages API]`;
    case "audio":
      return `[audio of type ${item.mimeType} omitted]`;
    case "resource_link":
      return `[resource ${item.uri}${item.name ? ` (${item.name})` : ""}]`;
    case "resource":
      if ("text" in item.resource) return item.resource.text;
      return blobText(item.resource.blob, item.resource.mimeType) ?? `[binary resource ${item.resource.uri} omitted]`;
    default:
      return undefined;
  }
}

/** How many of `count` images fit in `leftTokens` of the budget; the first always goes, as the point of the call. */
function imagesWithin(count: number, leftTokens: number): number {
  return Math.min(count, Math.max(1, Math.floor(leftTokens / IMAGE_TOKENS)));
}
