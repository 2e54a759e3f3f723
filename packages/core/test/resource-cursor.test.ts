// The resources/list cursor: opaque, bounded, and refused when cut, altered or made up.
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from "../src/resource-cursor.js";

describe("resources/list cursors", () => {
  it("give back the position they were made from", () => {
    const position = { source: "file", after: '["/ws","a/b c/ü.txt",7]' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  const good = encodeCursor({ source: "file", after: "x" });
  it.each([
    ["garbage", "garbage"],
    ["cut short", good.slice(0, -3)],
    ["altered", `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`],
    ["an old offset cursor", Buffer.from("o:100").toString("base64url")],
    ["not base64url", `${good}+/`],
    ["over the length cap", "A".repeat(MAX_CURSOR_LENGTH + 1)],
  ])("are refused when %s", (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(/^Invalid cursor: pass back the nextCursor of the previous/);
  });
});
