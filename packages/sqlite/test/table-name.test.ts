import { describe, expect, it } from "vitest";
import { parseTableName } from "../src/table-name.js";

describe("parseTableName", () => {
  it.each([
    ["users", { name: "users" }],
    ["  users  ", { name: "users" }],
    ["main.users", { schema: "main", name: "users" }],
    ["temp.x", { schema: "temp", name: "x" }],
    ["main . users", { schema: "main", name: "users" }],
    ['"my table"', { name: "my table" }],
    ['"main"."users"', { schema: "main", name: "users" }],
    ['main."my.table"', { schema: "main", name: "my.table" }],
    ['"a""b"', { name: 'a"b' }],
    ["[my table]", { name: "my table" }],
    ["[a]]", undefined],
    ["`my``table`", { name: "my`table" }],
    ["aux.[t 1]", { schema: "aux", name: "t 1" }],
    ['""', { name: "" }],
    ["_t$1", { name: "_t$1" }],
    ["tëst.ünïcode", { schema: "tëst", name: "ünïcode" }],
    ["表.行", { schema: "表", name: "行" }],
    ["a.b.c", undefined],
    ["main.", undefined],
    [".users", undefined],
    ["", undefined],
    ["   ", undefined],
    ['"unclosed', undefined],
    ['main."unclosed', undefined],
    ["[unclosed", undefined],
    ["my table", undefined],
    ["1abc", undefined],
    ["users;", undefined],
    ["users; DROP TABLE users", undefined],
    ["'users'", undefined],
    ['"a"b', undefined],
    ["a-b", undefined],
  ])("reads %j as %j", (input, expected) => {
    expect(parseTableName(input)).toEqual(expected);
  });
});
