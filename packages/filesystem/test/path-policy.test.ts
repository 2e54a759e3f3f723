import { describe, expect, it } from "vitest";
import {
  checkReal,
  displayPath,
  isHidden,
  isWithin,
  normalizeHidden,
  OUTSIDE,
  outsideReason,
  quote,
  type RootPair,
  resolveLexical,
  touchesHidden,
  unambiguousRelative,
  underPath,
} from "../src/path-policy.js";

const ROOTS: RootPair[] = [{ given: "/ws", real: "/ws" }];
// A symlinked root: configured as /link-ws, really /real/ws.
const LINKED: RootPair[] = [{ given: "/link-ws", real: "/real/ws" }];
const MULTI: RootPair[] = [
  { given: "/ws", real: "/ws" },
  { given: "/data", real: "/data" },
];

describe("resolveLexical", () => {
  it.each([
    // [input, roots, expected path or null when refused]
    ["a.txt", ROOTS, "/ws/a.txt"],
    [".", ROOTS, "/ws"],
    ["./dir/../a.txt", ROOTS, "/ws/a.txt"],
    ["dir/", ROOTS, "/ws/dir"],
    ["dir//sub///", ROOTS, "/ws/dir/sub"],
    ["/ws", ROOTS, "/ws"],
    ["/ws/", ROOTS, "/ws"],
    ["/ws/deep/file", ROOTS, "/ws/deep/file"],
    ["..", ROOTS, null],
    ["../ws-evil/secret", ROOTS, null],
    ["../../../../etc/passwd", ROOTS, null],
    ["dir/../../etc/passwd", ROOTS, null],
    ["a/b/../../../x", ROOTS, null],
    ["/etc/passwd", ROOTS, null],
    ["/", ROOTS, null],
    ["/ws-evil", ROOTS, null],
    ["/ws-evil/secret", ROOTS, null],
    ["/wsx", ROOTS, null],
    ["/ws/../ws-evil", ROOTS, null],
    ["%2e%2e/%2e%2e/etc/passwd", ROOTS, "/ws/%2e%2e/%2e%2e/etc/passwd"],
    ["..%2fetc%2fpasswd", ROOTS, "/ws/..%2fetc%2fpasswd"],
    ["résumé/日本語.txt", ROOTS, "/ws/résumé/日本語.txt"],
    ["\u2025/etc", ROOTS, "/ws/\u2025/etc"], // TWO DOT LEADER is a name, not ".."
    ["..\\..\\etc\\passwd", ROOTS, "/ws/..\\..\\etc\\passwd"], // backslashes are name characters on POSIX
    ["a.txt\0.png", ROOTS, null],
    ["\0", ROOTS, null],
    ["", ROOTS, null],
    // symlinked root: both its names are inside, rewritten onto the real path
    ["notes.md", LINKED, "/real/ws/notes.md"],
    ["/link-ws/notes.md", LINKED, "/real/ws/notes.md"],
    ["/real/ws/notes.md", LINKED, "/real/ws/notes.md"],
    ["/link-ws-evil/x", LINKED, null],
    ["/real/ws-evil", LINKED, null],
    ["/real", LINKED, null],
    // several roots: relative paths start at the first
    ["x", MULTI, "/ws/x"],
    ["/data/y", MULTI, "/data/y"],
    ["/data-evil/y", MULTI, null],
    ["../data/y", MULTI, "/data/y"],
  ] as const)("%j → %s", (input, roots, expected) => {
    const result = resolveLexical(input, roots);
    if (expected === null) {
      expect(result.ok).toBe(false);
    } else {
      expect(result).toEqual({ ok: true, path: expected });
    }
  });

  it.each([
    // [input, expected with home /home/me]: ~ is home, as a shell reads it, then checked like any path
    ["~", null],
    ["~/notes.txt", null],
    ["~/../../etc/passwd", null],
    ["./~/notes.txt", "/ws/~/notes.txt"],
    ["~notes.txt", "/ws/~notes.txt"],
    ["a/~/b", "/ws/a/~/b"],
  ] as const)("%j with a home outside the roots → %s", (input, expected) => {
    const result = resolveLexical(input, ROOTS, "/home/me");
    expect(result).toEqual(expected === null ? { ok: false, reason: OUTSIDE } : { ok: true, path: expected });
  });

  it("reaches a home inside a root by ~", () => {
    expect(resolveLexical("~/proj/a.ts", [{ given: "/home/me", real: "/home/me" }], "/home/me")).toEqual({
      ok: true,
      path: "/home/me/proj/a.ts",
    });
  });

  it("names the reason", () => {
    expect(resolveLexical("../x", ROOTS)).toEqual({ ok: false, reason: OUTSIDE });
    expect(resolveLexical("a\0b", ROOTS)).toEqual({ ok: false, reason: "contains a NUL byte" });
  });
});

describe("checkReal (after realpath)", () => {
  it.each([
    ["/ws", true],
    ["/ws/a", true],
    ["/ws/a/b/c", true],
    ["/ws-evil", false],
    ["/ws-evil/a", false],
    ["/etc/passwd", false],
    ["/", false],
    ["/ws/a (deleted)", false],
    ["relative/path", false],
    ["/ws/a\0", false],
  ] as const)("%s inside /ws: %s", (real, inside) => {
    expect(checkReal(real, ["/ws"]).ok).toBe(inside);
  });

  it("accepts any of several roots", () => {
    expect(checkReal("/data/x", ["/ws", "/data"]).ok).toBe(true);
  });
});

describe("isWithin", () => {
  it.each([
    ["/ws", "/ws", true],
    ["/ws/x", "/ws", true],
    ["/ws-evil", "/ws", false],
    ["/wsx/y", "/ws", false],
    ["/x", "/", true],
    ["/", "/", true],
  ] as const)("%s in %s: %s", (candidate, root, expected) => {
    expect(isWithin(candidate, root)).toBe(expected);
  });
});

describe("displayPath", () => {
  it("shows paths relative to the first root, others absolute", () => {
    expect(displayPath("/ws/a/b.txt", MULTI)).toBe("a/b.txt");
    expect(displayPath("/ws", MULTI)).toBe(".");
    expect(displayPath("/data/c", MULTI)).toBe("/data/c");
  });

  it("shows a path under a folder named ~ as ./~, which resolveLexical does not read as home", () => {
    expect(displayPath("/ws/~/notes.txt", MULTI)).toBe("./~/notes.txt");
    expect(displayPath("/ws/~", MULTI)).toBe("./~");
    expect(resolveLexical(displayPath("/ws/~/notes.txt", MULTI), MULTI, "/ws")).toEqual({
      ok: true,
      path: "/ws/~/notes.txt",
    });
  });
});

describe("unambiguousRelative", () => {
  it.each([
    ["~", "./~"],
    ["~/a", "./~/a"],
    ["~user/a", "~user/a"],
    ["~a", "~a"],
    ["a/~/b", "a/~/b"],
    ["", ""],
    [".", "."],
  ])("%j → %j", (rel, expected) => {
    expect(unambiguousRelative(rel, "/")).toBe(expected);
  });
});

describe("underPath", () => {
  it.each([
    [".", "a/b", "a/b"],
    [".", "~/x", "./~/x"],
    ["src", "a", "src/a"],
    ["src//", "a", "src/a"],
    ["~/proj", "a", "~/proj/a"],
    ["src", "", "src"],
  ])("%j, %j → %j", (from, rel, expected) => {
    expect(underPath(from, rel)).toBe(expected);
  });
});

describe("normalizeHidden", () => {
  it.each([
    // [entry, sep, normalised or null when refused]
    [".agent", "/", ".agent"],
    [".agent/", "/", ".agent"],
    ["./.agent", "/", ".agent"],
    ["logs//audit.jsonl", "/", "logs/audit.jsonl"],
    ["a/../.agent", "/", ".agent"],
    ["", "/", null],
    [".", "/", null],
    ["./", "/", null],
    ["..", "/", null],
    ["../x", "/", null],
    ["a/../../x", "/", null],
    ["/etc", "/", null],
    [".agent\0", "/", null],
    [".agent", "\\", ".agent"],
    ["logs\\audit.jsonl", "\\", "logs\\audit.jsonl"],
    ["..\\x", "\\", null],
    ["C:\\x", "\\", null],
  ])("%j (sep %j) → %j", (entry, sep, expected) => {
    const result = normalizeHidden(entry, sep);
    expect(result.ok ? result.path : null).toBe(expected);
  });
});

describe("isHidden", () => {
  it.each([
    // [absolute path, real roots, hidden entries, hidden?]
    ["/ws/.agent", ["/ws"], [".agent"], true],
    ["/ws/.agent/audit.jsonl", ["/ws"], [".agent"], true],
    ["/ws/.agents", ["/ws"], [".agent"], false],
    ["/ws/.agent-old/x", ["/ws"], [".agent"], false],
    ["/ws/sub/.agent", ["/ws"], [".agent"], false],
    ["/ws", ["/ws"], [".agent"], false],
    ["/ws/logs/audit.jsonl", ["/ws"], ["logs/audit.jsonl"], true],
    ["/ws/logs/other.jsonl", ["/ws"], ["logs/audit.jsonl"], false],
    ["/data/.agent/x", ["/ws", "/data"], [".agent"], true],
    ["/elsewhere/.agent", ["/ws"], [".agent"], false],
    ["/ws/.agent", ["/ws"], [], false],
  ])("%s in %j hiding %j → %s", (absolute, roots, hidden, expected) => {
    expect(isHidden(absolute, roots, hidden)).toBe(expected);
  });
});

describe("touchesHidden", () => {
  it.each([
    // [absolute real path, real roots, hidden entries, may not be changed?]
    ["/ws/.agent", ["/ws"], [".agent"], true],
    ["/ws/.agent/audit.jsonl", ["/ws"], [".agent"], true],
    ["/ws/logs", ["/ws"], ["logs/audit.jsonl"], true],
    ["/ws/logs/audit.jsonl", ["/ws"], ["logs/audit.jsonl"], true],
    ["/ws/logs/other.jsonl", ["/ws"], ["logs/audit.jsonl"], false],
    ["/ws/log", ["/ws"], ["logs/audit.jsonl"], false],
    ["/ws/.agents", ["/ws"], [".agent"], false],
    ["/data/a", ["/ws", "/data"], ["a/b/c"], true],
    ["/ws/a", ["/ws", "/data"], ["a/b/c"], true],
    ["/ws/notes.txt", ["/ws"], [".agent"], false],
    ["/ws/.agent", ["/ws"], [], false],
  ])("%s in %j hiding %j → %s", (absolute, roots, hidden, expected) => {
    expect(touchesHidden(absolute, roots, hidden)).toBe(expected);
  });
});

describe("outsideReason", () => {
  it.each([
    [["/ws"], "outside the workspace root /ws; use a path inside it (relative paths start at the root)"],
    [
      ["/ws", "/data"],
      "outside the workspace roots (/ws, /data); use a path inside one of them (relative paths start at /ws)",
    ],
    [
      ["/a", "/b", "/c", "/d", "/e", "/f", "/g"],
      "outside the workspace roots (/a, /b, /c, /d, /e and 2 more); use a path inside one of them (relative paths start at /a)",
    ],
  ])("%j", (roots, expected) => {
    expect(outsideReason(roots)).toBe(expected);
  });
});

describe("quote (an input path in a message)", () => {
  it.each([
    ["a plain path", "notes/a.txt", 200, '"notes/a.txt"'],
    ["a newline", "a\nfake line", 200, '"a\\nfake line"'],
    ["a right-to-left override", "evil\u202Etxt.exe", 200, '"evil\\u202etxt.exe"'],
    ["bidi isolates", "a\u2066b\u2067c\u2068d\u2069", 200, '"a\\u2066b\\u2067c\\u2068d\\u2069"'],
    ["a C1 control and a line separator", "a\u0085b\u2028", 200, '"a\\u0085b\\u2028"'],
    ["a quote inside", 'say "hi"', 200, '"say \\"hi\\""'],
    ["cut past the limit", "xxxxx", 3, '"xxx…"'],
  ])("%s", (_, input, max, shown) => {
    expect(quote(input, max)).toBe(shown);
  });
});
