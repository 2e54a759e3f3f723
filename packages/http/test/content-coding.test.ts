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
    // Each coding is a decoder of its own: a chain longer than curl's 5 is refused, not built.
    ["gzip, gzip, br, deflate, gzip", { codings: ["gzip", "deflate", "br", "gzip", "gzip"] }],
    ["gzip, gzip, gzip, gzip, gzip, gzip", { tooMany: 6 }],
    [Array(20).fill("gzip").join(","), { tooMany: 20 }],
    ["gzip, identity, gzip, identity, gzip, gzip, gzip", { codings: ["gzip", "gzip", "gzip", "gzip", "gzip"] }],
  ])("%j → %j", (header, expected) => {
    expect(decodingOrder(header)).toEqual(expected);
  });
});
