import { describe, expect, it } from "vitest";
import { decodingOrder } from "../src/content-coding.js";

describe("decodingOrder", () => {
  it.each([
    [undefined, { codings: [] }],
    ["", { codings: [] }],
    ["identity", { codings: [] }],
    ["gzip", { codings: ["gzip"] }],
    [" X-GZIP ", { codings: ["gzip"] }],
    ["deflate", { codings: ["deflate"] }],
    ["br", { codings: ["br"] }],
    // Applied gzip first, then br: undone br first.
    ["gzip, br", { codings: ["br", "gzip"] }],
    ["gzip,identity,deflate", { codings: ["deflate", "gzip"] }],
    ["zstd", { unsupported: "zstd" }],
    ["gzip, compress", { unsupported: "compress" }],
    ["Zstd, gzip", { unsupported: "zstd" }],
  ])("%j → %j", (header, expected) => {
    expect(decodingOrder(header)).toEqual(expected);
  });
});
