import type { ImageBlockParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { IMAGE_MEDIA_TYPES, imageProblem, imageSize, imageType, MAX_IMAGE_SIDE } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { blobText } from "./blob-text.js";
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
  /** The text, for a one-line preview. */
  text: string;
  cut: boolean;
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
  const parts: string[] = [];
  const images: ImageBlockParam[] = [];
  for (const item of result.content ?? []) {
    switch (item.type) {
      case "text":
        parts.push(item.text);
        break;
      case "image":
        if (IMAGE_MEDIA_TYPES.has(item.mimeType) && item.data.length > MAX_IMAGE_BASE64_BYTES) {
          const mb = (item.data.length / 1024 / 1024).toFixed(1);
          parts.push(
            `[image omitted: ${mb} MB as base64, over the Messages API's 5 MB limit; ask for a smaller image (fewer pixels, or JPEG instead of PNG)]`,
          );
        } else if (IMAGE_MEDIA_TYPES.has(item.mimeType)) {
          const problem = wholeImageProblem(item.mimeType, item.data);
          if (problem) {
            parts.push(`[image omitted: ${problem}]`);
            break;
          }
          images.push({
            type: "image",
            source: { type: "base64", media_type: item.mimeType as "image/png", data: item.data },
          });
        } else parts.push(`[image of type ${item.mimeType} omitted: unsupported by the Messages API]`);
        break;
      case "audio":
        parts.push(`[audio of type ${item.mimeType} omitted]`);
        break;
      case "resource_link":
        parts.push(`[resource ${item.uri}${item.name ? ` (${item.name})` : ""}]`);
        break;
      case "resource":
        if ("text" in item.resource) parts.push(item.resource.text);
        else {
          const text = blobText(item.resource.blob, item.resource.mimeType);
          parts.push(text ?? `[binary resource ${item.resource.uri} omitted]`);
        }
        break;
    }
  }
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
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
  return {
    content,
    isError: result.isError === true,
    bytes: Buffer.byteLength(full, "utf8"),
    text: full,
    cut: budget.cut || omitted > 0,
  };
}

/** How many of `count` images fit in `leftTokens` of the budget; the first always goes, as the point of the call. */
function imagesWithin(count: number, leftTokens: number): number {
  return Math.min(count, Math.max(1, Math.floor(leftTokens / IMAGE_TOKENS)));
}
