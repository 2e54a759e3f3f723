import { describe, expect, it } from "vitest";
import { expandHome } from "../src/home-path.js";

describe("expandHome", () => {
  it.each([
    ["~ alone", "~", "/home/me", "/home/me"],
    ["~/ and a path", "~/x/y", "/home/me", "/home/me/x/y"],
    ["~/ alone", "~/", "/home/me", "/home/me"],
    ["a home with a trailing slash", "~/x", "/home/me/", "/home/me/x"],
    ["~/ and .. (checked by whoever uses it)", "~/../../etc", "/home/me", "/etc"],
    ["~user: left as typed", "~bob/x", "/home/me", "~bob/x"],
    ["~ starting a name", "~notes.txt", "/home/me", "~notes.txt"],
    ["a ~ later in the path: a name", "a/~/x", "/home/me", "a/~/x"],
    ["a folder named ~ reached as ./~", "./~", "/home/me", "./~"],
    ["an absolute path", "/srv/ws", "/home/me", "/srv/ws"],
    ["a relative path", "ws", "/home/me", "ws"],
    ["empty", "", "/home/me", ""],
    ["no home known: as typed", "~/x", "", "~/x"],
  ])("%s", (_case, input, home, expanded) => {
    expect(expandHome(input, home, "/")).toBe(expanded);
  });

  it("takes the platform's separator too", () => {
    expect(expandHome("~\\docs", "C:\\Users\\me", "\\")).toBe("C:\\Users\\me\\docs");
  });
});
