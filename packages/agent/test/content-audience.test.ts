import { describe, expect, it } from "vitest";
import { type Audience, audienceOf, USER_TEXT_CHARS, userText, userView } from "../src/content-audience.js";

describe("audienceOf", () => {
  it.each<[string, Parameters<typeof audienceOf>[0], Audience]>([
    ["no annotations", {}, "both"],
    ["annotations without audience", { annotations: { priority: 1 } as never }, "both"],
    ["an empty audience", { annotations: { audience: [] } }, "both"],
    ["the user", { annotations: { audience: ["user"] } }, "user"],
    ["the assistant", { annotations: { audience: ["assistant"] } }, "model"],
    ["both roles", { annotations: { audience: ["assistant", "user"] } }, "both"],
    ["a role no version of MCP has", { annotations: { audience: ["robot"] } }, "both"],
    ["not a list", { annotations: { audience: "user" } }, "both"],
    ["the user, on an embedded resource's contents", { resource: { annotations: { audience: ["user"] } } }, "user"],
    [
      "the block's own audience before its resource's",
      { annotations: { audience: ["assistant"] }, resource: { annotations: { audience: ["user"] } } },
      "model",
    ],
  ])("%s: %s", (_, item, audience) => {
    expect(audienceOf(item)).toBe(audience);
  });
});

describe("what the user is shown", () => {
  it.each([
    ["a text", { type: "text", text: "hello" }, "hello"],
    ["a text resource", { type: "resource", resource: { uri: "x://a", text: "body" } }, "body"],
    ["an image", { type: "image", mimeType: "image/png" }, "[image image/png: not shown on a terminal]"],
    [
      "a binary resource",
      { type: "resource", resource: { uri: "x://b" } },
      "[resource x://b: not shown on a terminal]",
    ],
  ])("%s", (_, item, shown) => {
    expect(userView(item)).toBe(shown);
  });

  it("is cut past USER_TEXT_CHARS, saying how long it was", () => {
    expect(userText(["a", "b"])).toBe("a\nb");
    const long = userText(["x".repeat(USER_TEXT_CHARS + 10)]);
    expect(long).toBe(
      `${"x".repeat(USER_TEXT_CHARS)}… [${USER_TEXT_CHARS + 10} characters in all; the first ${USER_TEXT_CHARS} shown]`,
    );
  });
});
