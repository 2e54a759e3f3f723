import { describe, expect, it } from "vitest";
import { applyBudget, convertResult } from "../src/tool-result.js";

describe("tool results", () => {
  it.each([
    ["under budget", "abc", 10, false],
    ["exactly at budget", "a".repeat(40), 10, false],
    ["over budget", "a".repeat(41), 10, true],
    ["multi-byte text", "é".repeat(100), 10, true],
    ["a character across the cut", `${"a".repeat(39)}€`, 10, true],
    ["a four-byte character across the cut", `${"a".repeat(38)}😀`, 10, true],
  ])("applyBudget: %s", (_label, text, budget, cut) => {
    const out = applyBudget(text, budget);
    expect(out.cut).toBe(cut);
    if (cut) {
      expect(out.text).toMatch(/\[output cut: .* over the 10-token budget/);
      expect(out.text).not.toContain("\uFFFD");
      expect(Buffer.byteLength(out.text.slice(0, out.text.indexOf("\n\n[output cut")))).toBeLessThanOrEqual(40);
    } else expect(out.text).toBe(text);
  });

  // The API measures the base64 text: 5 MB of it is only 3.75 MB of image.
  it.each([
    ["at the limit", 5 * 1024 * 1024, undefined],
    ["one byte of base64 over (3.75 MB decoded)", 5 * 1024 * 1024 + 1, "5.0"],
    ["6,000,000 bytes of base64 (4.3 MB decoded)", 6_000_000, "5.7"],
  ])("an image %s: sent, or a note the model can act on", (_, length, mb) => {
    const r = convertResult({ content: [{ type: "image", data: "A".repeat(length), mimeType: "image/png" }] }, 1000);
    if (mb === undefined) expect(r.content).toMatchObject([{ type: "image" }]);
    else
      expect(r.content).toEqual([
        {
          type: "text",
          text: `[image omitted: ${mb} MB as base64, over the Messages API's 5 MB limit; ask for a smaller image (fewer pixels, or JPEG instead of PNG)]`,
        },
      ]);
  });

  it("converts text, images, links and structured content, keeping isError", () => {
    const r = convertResult(
      {
        isError: true,
        content: [
          { type: "text", text: "line" },
          { type: "image", data: "AAAA", mimeType: "image/png" },
          { type: "image", data: "AAAA", mimeType: "image/tiff" },
          { type: "resource_link", uri: "file:///a.txt", name: "a.txt" },
        ],
      },
      1000,
    );
    expect(r.isError).toBe(true);
    expect(r.content[0]).toEqual({
      type: "text",
      text: "line\n[image of type image/tiff omitted: unsupported by the Messages API]\n[resource file:///a.txt (a.txt)]",
    });
    expect(r.content[1]).toMatchObject({ type: "image", source: { media_type: "image/png" } });
    expect(convertResult({ content: [], structuredContent: { rows: [] } }, 100).text).toBe('{"rows":[]}');
  });
});
