import { describe, expect, it } from "vitest";
import { paramsProblem, toBindParams, toBindValue, toJsonValue } from "../src/values.js";

describe("toBindValue", () => {
  it.each([
    ["text", "text"],
    [null, null],
    [42, 42n],
    [-7, -7n],
    [1.5, 1.5],
    [true, 1n],
    [false, 0n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
    ["9007199254740993", "9007199254740993"],
    ["'; DROP TABLE t; --", "'; DROP TABLE t; --"],
  ])("%s binds as %s", (input, bound) => {
    expect(toBindValue(input, "p")).toEqual(bound);
  });

  it.each([
    ["!!notb64", 'params[0]: {"$base64": …} is not base64 (it holds "!")'],
    ["AA=A", 'params[0]: {"$base64": …} is not base64 (its = padding is misplaced)'],
  ])("says what is wrong with a BLOB marker's text %j", (text, message) => {
    expect(() => toBindValue({ $base64: text }, "params[0]")).toThrow(message);
  });

  it("turns the BLOB marker into bytes", () => {
    expect(toBindValue({ $base64: "AAEC/w==" }, "p")).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it.each([[{ nested: 1 }], [[1, 2]], [{ $base64: "not base64!" }], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    "refuses %j, naming where it is",
    (value) => {
      expect(() => toBindValue(value, "params[3]")).toThrow(/^params\[3\]: /);
    },
  );
});

// Past 2^53 a JSON number has already lost digits, and past a REAL's range it is Infinity (null once it crosses
// to the executor): refused, never bound as a different value.
describe("paramsProblem", () => {
  it.each([
    [
      [Number("12345678901234567")],
      /params\[0\]: 12345678901234568 is a whole number past ±9007199254740991.*send it as a string/,
    ],
    [[1, -(2 ** 60)], /params\[1\]: -1152921504606847000 is a whole number past/],
    [[2 ** 63], /params\[0\]: 9223372036854776000 is a whole number past/],
    [[-(2 ** 63)], /params\[0\]: -9223372036854776000 is a whole number past/],
    [{ id: Number("9007199254740993") }, /params\.id: 9007199254740992 is a whole number past/],
    [[Number.POSITIVE_INFINITY], /params\[0\]: the number is out of range for SQLite \(it arrived as Infinity\)/],
    [{ x: Number.NEGATIVE_INFINITY }, /params\.x: .*arrived as -Infinity/],
  ])("refuses %j", (params, message) => {
    expect(paramsProblem(params)).toMatch(message);
    expect(() => toBindParams(params)).toThrow(message);
  });

  it.each([
    [[Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1.5, 1e-300, "12345678901234567", null]],
    // Past ±2^63 no INTEGER can hold it: a REAL, as SQLite reads the literal
    [[1e300, -1.7976931348623157e308, 6.02e23, 2 ** 64]],
    [{ a: 2 }],
    [undefined],
  ])("lets %j through", (params) => {
    expect(paramsProblem(params)).toBeUndefined();
  });
});

describe("toBindParams", () => {
  it("takes an array for ? and an object for :name, with or without the prefix", () => {
    expect(toBindParams([1, "a"])).toEqual({ positional: [1n, "a"] });
    expect(toBindParams({ ":id": 1, name: "a", $x: null })).toEqual({ named: { id: 1n, name: "a", x: null } });
    expect(toBindParams(undefined)).toEqual({ positional: [] });
    expect(() => toBindParams("1")).toThrow(/array.*object/);
  });

  it("keeps a name that is also an Object.prototype key, as JSON params carry it", () => {
    const bound = toBindParams(JSON.parse('{":__proto__": 5, "constructor": 6}'));
    const named = "named" in bound ? bound.named : {};
    expect(Object.getOwnPropertyDescriptor(named, "__proto__")?.value).toBe(5n);
    expect(Object.getOwnPropertyDescriptor(named, "constructor")?.value).toBe(6n);
  });

  it.each([
    [{ ":a": 1, a: 2 }, /params\.a and params\.:a both give a a value/],
    [{ ":a": 1, "@a": 2 }, /params\.@a and params\.:a both give a a value.*:a, @a and \$a all take the value keyed a/],
    [{ $x: null, x: "y" }, /params\.x and params\.\$x both/],
  ])("refuses %j, whose keys name one placeholder, rather than drop a value", (params, message) => {
    expect(() => toBindParams(params)).toThrow(message);
  });
});

describe("toJsonValue", () => {
  it.each([
    [42n, 42],
    [9007199254740993n, "9007199254740993"],
    [-9223372036854775808n, "-9223372036854775808"],
    [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
    [0.25, 0.25],
    [null, null],
    ["é", "é"],
  ])("%s → %j", (value, json) => {
    expect(toJsonValue(value)).toEqual(json);
  });

  it("marks BLOBs as base64, never as text", () => {
    expect(toJsonValue(Buffer.from([0xff, 0xfe, 0x00]))).toEqual({ $base64: "//4A" });
  });
});
