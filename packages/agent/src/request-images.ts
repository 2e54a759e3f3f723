// The Messages API's limits on the images of one request, which a long conversation with screenshots reaches: a
// request of more than 20 images takes none over 2000 px a side, and none takes more than 100 images (models with a
// 200k-token context; others 600). It refuses a request past them whole, which would end the run, so the images it
// would refuse become notes first. Pure but for the cache of sizes: the history in, changed in place.
import type { ImageBlockParam, MessageParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { type ImageSize, imageSize } from "@mcp-toolkit/core";

/** Past this many images in one request, each may be at most MANY_IMAGES_SIDE a side. */
export const MANY_IMAGES = 20;
export const MANY_IMAGES_SIDE = 2000;
/** The most images a request may hold, for every model (the fewest any takes). */
export const MAX_REQUEST_IMAGES = 100;

/** An image's place in the history: the array that holds it, and where. */
interface Slot {
  blocks: unknown[];
  at: number;
  image: ImageBlockParam;
}

/** Each image's size, decoded once: the history holds the same blocks from turn to turn. */
const sizes = new WeakMap<object, ImageSize | undefined>();

function sizeOf(image: ImageBlockParam): ImageSize | undefined {
  const { source } = image;
  if (source.type !== "base64") return undefined;
  if (!sizes.has(source)) sizes.set(source, imageSize(source.media_type, Buffer.from(source.data, "base64")));
  return sizes.get(source);
}

/** Every image of the history, oldest first: in user turns and in tool results. */
function slotsOf(messages: readonly MessageParam[]): Slot[] {
  const slots: Slot[] = [];
  const scan = (blocks: unknown[]) => {
    blocks.forEach((block, at) => {
      const b = block as { type?: string; content?: unknown };
      if (b.type === "image") slots.push({ blocks, at, image: block as ImageBlockParam });
      else if (b.type === "tool_result" && Array.isArray(b.content)) scan(b.content);
    });
  };
  for (const message of messages) if (Array.isArray(message.content)) scan(message.content);
  return slots;
}

/**
 * Replace, in place, the images the API would refuse in one request with `messages`: the oldest past
 * MAX_REQUEST_IMAGES, then, while more than MANY_IMAGES are left, the oldest over MANY_IMAGES_SIDE a side. Returns
 * how many were replaced.
 */
export function fitRequestImages(messages: readonly MessageParam[]): number {
  const slots = slotsOf(messages);
  let left = slots.length;
  let replaced = 0;
  const replace = (slot: Slot, why: string) => {
    const note: TextBlockParam = { type: "text", text: `[image removed from the conversation: ${why}]` };
    slot.blocks[slot.at] = note;
    left--;
    replaced++;
  };
  for (const slot of slots.slice(0, Math.max(0, left - MAX_REQUEST_IMAGES))) {
    replace(slot, `a request may hold at most ${MAX_REQUEST_IMAGES} images, and this was the oldest`);
  }
  for (const slot of slots.slice(replaced)) {
    if (left <= MANY_IMAGES) break;
    const size = sizeOf(slot.image);
    if (!size || Math.max(size.width, size.height) <= MANY_IMAGES_SIDE) continue;
    replace(
      slot,
      `${size.width}×${size.height} px, and a request of more than ${MANY_IMAGES} images takes at most ${MANY_IMAGES_SIDE} px a side; ask for it again smaller if it is still needed`,
    );
  }
  return replaced;
}
