import { describe, expect, it } from "vitest";
import { expandHomePath } from "../src/home-path.js";

describe("expandHomePath", () => {
  it.each([
    ["~ alone", "~", "/home/me", "/home/me"],
    ["~/ and a path", "~/x/y", "/home/me", "/home/me/x/y"],
    ["~/ alone", "~/", "/home/me", "/home/me/"],
    ["a home with a trailing slash", "~/x", "/home/me/", "/home/me/x"],
    ["~user: left as typed", "~bob/x", "/home/me", "~bob/x"],
    ["a ~ later in the path: a name", "a/~/x", "/home/me", "a/~/x"],
    ["a folder named ~ reached as ./~", "./~", "/home/me", "./~"],
    ["an absolute path", "/srv/ws", "/home/me", "/srv/ws"],
    ["a relative path", "ws", "/home/me", "ws"],
    ["no home known: as typed", "~/x", "", "~/x"],
  ])("%s", (_case, path, home, expanded) => {
    expect(expandHomePath(path, home)).toBe(expanded);
  });
});
