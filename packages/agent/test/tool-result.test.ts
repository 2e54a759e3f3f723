import { afterEach, describe, expect, it } from "vitest";
import { PNG, pngOf } from "../../core/test/png.js";
import { estimateTokens } from "../src/token-estimate.js";
import { applyBudget, convertResult, IMAGE_TOKENS } from "../src/tool-result.js";
import { calls, done, type FakeApi, startFakeApi, toolResults, use } from "./fixtures/fake-api.js";
import { fixtureWorkspace, runAgent } from "./fixtures/harness.js";

/** A whole PNG whose base64 is `length` characters long (a multiple of 4): the 1×1 one, and bytes after its end. */
const pngOfBase64Length = (length: number) =>
  Buffer.concat([PNG, Buffer.alloc((length / 4) * 3 - PNG.length)]).toString("base64");

describe("tool results", () => {
  it("shows an embedded resource's blob of a text type as its text, and other blobs as a note", () => {
    const blob = (mimeType: string, text: string) => ({
      type: "resource" as const,
      resource: { uri: `demo://${mimeType}`, mimeType, blob: Buffer.from(text).toString("base64") },
    });
    const r = convertResult(
      { content: [blob("text/plain", "Resource 2: text"), blob("application/pdf", "%PDF")] },
      1000,
    );
    expect(r.text).toBe("Resource 2: text\n[binary resource demo://application/pdf omitted]");
  });

  it.each([
    ["under budget", "abc", 10, false],
    ["exactly at budget", "a".repeat(40), 10, false],
    ["over budget", "a".repeat(41), 10, true],
    ["multi-byte text", "é".repeat(100), 10, true],
    ["a character across the cut", `${"a".repeat(39)}€`, 10, true],
    ["a four-byte character across the cut", `${"a".repeat(38)}😀`, 10, true],
    // 12 CJK characters are 36 bytes, under 40, but about 12 tokens: over a 10-token budget.
    ["CJK text over the budget in tokens, not in bytes", "漢字".repeat(6), 10, true],
    ["CJK text within it", "漢字".repeat(5), 10, false],
  ])("applyBudget: %s", (_label, text, budget, cut) => {
    const out = applyBudget(text, budget);
    expect(out.cut).toBe(cut);
    if (cut) {
      expect(out.text).toMatch(/\[output cut: .* over the 10-token budget/);
      expect(out.text).not.toContain("\uFFFD");
      const kept = out.text.slice(0, out.text.indexOf("\n\n[output cut"));
      expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(40);
      expect(estimateTokens(kept)).toBeLessThanOrEqual(10);
    } else expect(out.text).toBe(text);
  });

  it("says how many tokens a CJK result was, a token a character", () => {
    const out = applyBudget("漢".repeat(30_000), 25_000);
    expect(out.text).toMatch(
      /^漢{25000}\n\n\[output cut: the result was about 30000 tokens, over the 25000-token budget/,
    );
  });

  // The API measures the base64 text: 5 MB of it is only 3.75 MB of image.
  it.each([
    ["at the limit", 5 * 1024 * 1024, undefined],
    ["4 bytes of base64 over (3.75 MB decoded)", 5 * 1024 * 1024 + 4, "5.0"],
    ["6,000,000 bytes of base64 (4.3 MB decoded)", 6_000_000, "5.7"],
  ])("an image %s: sent, or a note the model can act on", (_, length, mb) => {
    const data = pngOfBase64Length(length);
    const r = convertResult({ content: [{ type: "image", data, mimeType: "image/png" }] }, 1000);
    if (mb === undefined) expect(r.content).toMatchObject([{ type: "image" }]);
    else
      expect(r.content).toEqual([
        {
          type: "text",
          text: `[image omitted: ${mb} MB as base64, over the Messages API's 5 MB limit; ask for a smaller image (fewer pixels, or JPEG instead of PNG)]`,
        },
      ]);
  });

  it.each([
    ["all fit", 5, 5 * IMAGE_TOKENS + 100, 5],
    ["some fit", 10, 3 * IMAGE_TOKENS + 100, 3],
    ["one over a tiny budget still goes", 4, 10, 1],
  ])("counts images against the output budget: %s", (_, count, budget, kept) => {
    const image = { type: "image" as const, data: PNG.toString("base64"), mimeType: "image/png" };
    const r = convertResult({ content: [{ type: "text", text: "shots" }, ...Array(count).fill(image)] }, budget);
    expect(r.content.filter((b) => b.type === "image")).toHaveLength(kept);
    expect(r.cut).toBe(kept < count);
    const text = (r.content[0] as { text: string }).text;
    if (kept < count) {
      expect(text).toBe(
        `shots\n\n[${count - kept} of ${count} images omitted: each counts about ${IMAGE_TOKENS} tokens against the ${budget}-token output budget (--output-budget / MAX_MCP_OUTPUT_TOKENS); ask for fewer images at a time]`,
      );
    } else expect(text).toBe("shots");
  });

  it("converts text, images, links and structured content, keeping isError", () => {
    const r = convertResult(
      {
        isError: true,
        content: [
          { type: "text", text: "line" },
          { type: "image", data: PNG.toString("base64"), mimeType: "image/png" },
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

  it("sends an image with structured content (read_file's, with its outputSchema) as the image alone", () => {
    const image = { type: "image" as const, data: PNG.toString("base64"), mimeType: "image/png" };
    const r = convertResult({ content: [image], structuredContent: {} }, 1000);
    expect(r.content.map((block) => block.type)).toEqual(["image"]);
  });

  it("sends content for the user only to the user, saying so to the model, and shows none meant for the model only", () => {
    const r = convertResult(
      {
        content: [
          { type: "text", text: "for both" },
          { type: "text", text: "for the user", annotations: { audience: ["user"] } },
          { type: "text", text: "for the model", annotations: { audience: ["assistant"] } },
        ],
      },
      1000,
    );
    expect(r.content).toEqual([
      {
        type: "text",
        text: "for both\nfor the model\n[1 part of this result shown to the user only (the server marked it for the user), not to you]",
      },
    ]);
    expect(r.text).toBe("for both");
    expect(r.forUser).toBe("for the user");
    const userOnly = convertResult(
      { content: [{ type: "text", text: "hi", annotations: { audience: ["user"] } }] },
      100,
    );
    expect(userOnly.content[0]).toMatchObject({
      text: expect.stringMatching(/^\[1 part of this result shown to the user/),
    });
    expect(userOnly.text).toBe("(shown below)");
    const modelOnly = convertResult(
      { content: [{ type: "text", text: "x", annotations: { audience: ["assistant"] } }] },
      100,
    );
    expect(modelOnly.content).toEqual([{ type: "text", text: "x" }]);
    expect(modelOnly.text).toBe("(for the model only, not shown)");
    expect(modelOnly.forUser).toBeUndefined();
  });

  it("sends an image of exactly 8000 px a side", () => {
    const r = convertResult(
      { content: [{ type: "image", data: pngOf(8000, 8000).toString("base64"), mimeType: "image/png" }] },
      1000,
    );
    expect(r.content).toMatchObject([{ type: "image" }]);
  });

  it.each<[string, Buffer, string, string, string?]>([
    [
      "cut short",
      PNG.subarray(0, 50),
      "image/png",
      "not a whole image/png (cut short: it has no IEND chunk, a PNG's end)",
    ],
    ["of another format than it says", PNG, "image/jpeg", "sent as image/jpeg, but its bytes are image/png"],
    [
      "not an image at all",
      Buffer.from("<html>"),
      "image/png",
      "sent as image/png, but its bytes are no image format the API takes",
    ],
    [
      "wider than the API takes",
      pngOf(8001, 1),
      "image/png",
      "8001×1 px, over the Messages API's limit of 8000 px a side",
      "; ask for a smaller image (fewer pixels)",
    ],
    [
      "taller than the API takes",
      pngOf(20, 9000),
      "image/png",
      "20×9000 px, over the Messages API's limit of 8000 px a side",
      "; ask for a smaller image (fewer pixels)",
    ],
  ])(
    "leaves out an image %s, which the API would refuse with the whole request, saying why",
    (_, bytes, mimeType, why, advice = "") => {
      const r = convertResult({ content: [{ type: "image", data: bytes.toString("base64"), mimeType }] }, 1000);
      expect(r.content).toEqual([
        {
          type: "text",
          text: `[image omitted: ${why}; the Messages API would refuse it, and the whole request with it${advice}]`,
        },
      ]);
    },
  );
});

describe("a tool result with content for each audience, in a run", () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it("prints what is for the user, sends the model what is for it, and tells the model something was shown", async () => {
    api = await startFakeApi([calls(use("fx__audiences", {})), done("ok")]);
    const ws = fixtureWorkspace();
    const env = { PATH: process.env.PATH, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: api.url };
    const r = await runAgent({ config: ws.config, workspace: ws.dir }, ["show"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ {2}← for both \(fx__audiences, \d+ ms\)\n {4}for the user\n {4}second line\n/);
    expect(r.stdout).not.toContain("for the model");
    const sent = toolResults(api.requests[1])[0]?.content[0]?.text;
    expect(sent).toBe(
      "for both\nfor the model\n[1 part of this result shown to the user only (the server marked it for the user), not to you]",
    );
  });
});
