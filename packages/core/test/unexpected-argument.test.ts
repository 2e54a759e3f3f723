import { describe, expect, it } from "vitest";
import { unexpectedArgument } from "../src/unexpected-argument.js";

describe("unexpectedArgument", () => {
  it.each([
    [
      "a folder, as the reference filesystem server's configs pass it",
      "/Users/me/Desktop",
      { root: {} },
      'unexpected argument "/Users/me/Desktop": a path is given with --root (write "--root", "/Users/me/Desktop", once per folder: --root /a --root /b), not as a bare argument as the reference servers take it (see --help)',
    ],
    [
      "a relative database file for the sqlite server",
      "./data.db",
      { db: {} },
      'unexpected argument "./data.db": a path is given with --db (write "--db", "./data.db"), not as a bare argument as the reference servers take it (see --help)',
    ],
    ["a home path", "~/notes", { root: {} }, /^unexpected argument "~\/notes": a path is given with --root/],
    ["a word that is no path", "serve", { root: {} }, 'unexpected argument "serve" (see --help)'],
    ["a path, where no option takes one", "/srv", { "max-bytes": {} }, 'unexpected argument "/srv" (see --help)'],
  ])("%s", (_, arg, options, expected) => {
    const said = unexpectedArgument(arg, options);
    if (typeof expected === "string") expect(said).toBe(expected);
    else expect(said).toMatch(expected);
  });
});
