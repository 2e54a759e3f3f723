import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { describe, expect, it } from "vitest";
import { pngOf } from "../../core/test/png.js";
import { fitRequestImages } from "../src/request-images.js";

const image = (side: number) => ({
  type: "image" as const,
  source: { type: "base64" as const, media_type: "image/png" as const, data: pngOf(side, 10).toString("base64") },
});
/** A history of one tool result per image side given, then a user turn with an attached image of `attached` px. */
const history = (sides: number[], attached?: number): MessageParam[] => [
  {
    role: "user",
    content: sides.map((side, i) => ({ type: "tool_result" as const, tool_use_id: `t${i}`, content: [image(side)] })),
  },
  ...(attached
    ? [{ role: "user" as const, content: [{ type: "text" as const, text: "and this" }, image(attached)] }]
    : []),
];
type Block = { type: string; content?: Block[]; source?: { data: string } };
/** Each image of a history by its width, and each note by the word "note"; an attachment's own text is left out. */
const shape = (messages: MessageParam[]): (number | "note")[] =>
  messages.flatMap((m) =>
    (m.content as Block[]).flatMap((b) =>
      (b.type === "tool_result" ? (b.content ?? []) : [b]).flatMap((c): (number | "note")[] => {
        if (c.type === "image") return [Buffer.from(c.source?.data ?? "", "base64").readUInt32BE(16)];
        return "text" in c && c.text !== "and this" ? ["note"] : [];
      }),
    ),
  );

describe("fitRequestImages", () => {
  it.each<[string, number[], number | undefined, (number | "note")[]]>([
    ["20 images of any size up to 8000 px", Array(20).fill(8000), undefined, Array(20).fill(8000)],
    ["21 images of at most 2000 px", Array(21).fill(2000), undefined, Array(21).fill(2000)],
    [
      "21 images, two over 2000 px: the oldest of them goes, and 20 are left",
      [100, 3000, 100, ...Array(17).fill(100), 4000],
      undefined,
      [100, "note", 100, ...Array(17).fill(100), 4000],
    ],
    [
      "23 images, all over 2000 px: the oldest three go",
      Array(23).fill(2001),
      undefined,
      [...Array(3).fill("note"), ...Array(20).fill(2001)],
    ],
    ["an attached image counts too", [...Array(19).fill(100), 3000], 5000, [...Array(19).fill(100), "note", 5000]],
    [
      "102 small images: the oldest two go",
      Array(102).fill(10),
      undefined,
      [...Array(2).fill("note"), ...Array(100).fill(10)],
    ],
  ])("%s", (_, sides, attached, after) => {
    const messages = history(sides, attached);
    const removed = after.filter((x) => x === "note").length;
    expect(fitRequestImages(messages)).toBe(removed);
    expect(shape(messages)).toEqual(after);
  });

  it("says why in the note", () => {
    const messages = history([3000, ...Array(20).fill(10)]);
    fitRequestImages(messages);
    const [result] = (messages[0]?.content ?? []) as Block[];
    expect(result?.content?.[0]).toEqual({
      type: "text",
      text: "[image removed from the conversation: 3000×10 px, and a request of more than 20 images takes at most 2000 px a side; ask for it again smaller if it is still needed]",
    });
  });
});
