import { describe, expect, it } from "vitest";
import { chooseRoots, type OfferedRoot, rootPath } from "../src/client-roots.js";

const WS = "/srv/ws";

describe("chooseRoots", () => {
  it.each<[string, OfferedRoot[], "replace" | "narrow", string[], string[]]>([
    [
      "narrow: a root inside is taken",
      [{ uri: "file:///srv/ws/app", real: "/srv/ws/app" }],
      "narrow",
      ["/srv/ws/app"],
      [],
    ],
    ["narrow: the root itself is taken", [{ uri: "file:///srv/ws", real: WS }], "narrow", [WS], []],
    [
      "narrow: a sibling with the root's prefix is outside",
      [{ uri: "file:///srv/ws-evil", real: "/srv/ws-evil" }],
      "narrow",
      [WS],
      ["outside the configured roots (/srv/ws)"],
    ],
    [
      "narrow: a parent is outside",
      [{ uri: "file:///srv", real: "/srv" }],
      "narrow",
      [WS],
      ["outside the configured roots (/srv/ws)"],
    ],
    [
      "narrow: inside taken, outside ignored",
      [
        { uri: "file:///srv/ws/a", real: "/srv/ws/a" },
        { uri: "file:///etc", real: "/etc" },
      ],
      "narrow",
      ["/srv/ws/a"],
      ["outside the configured roots (/srv/ws)"],
    ],
    [
      "replace: anything existing is taken",
      [{ uri: "file:///home/me/ws2", real: "/home/me/ws2" }],
      "replace",
      ["/home/me/ws2"],
      [],
    ],
    ["a missing directory is ignored", [{ uri: "file:///nope" }], "replace", [WS], ["not an existing local directory"]],
    ["no roots at all keeps the configured ones", [], "narrow", [WS], []],
    [
      "the same root twice is served once",
      [
        { uri: "file:///srv/ws/a", real: "/srv/ws/a" },
        { uri: "file:///srv/ws/a/", real: "/srv/ws/a" },
      ],
      "narrow",
      ["/srv/ws/a"],
      [],
    ],
  ])("%s", (_, offered, mode, roots, reasons) => {
    const choice = chooseRoots([WS], offered, mode);
    expect(choice.roots).toEqual(roots);
    expect(choice.ignored.map((i) => i.reason)).toEqual(reasons);
  });

  it("ignore mode keeps the configured roots whatever is offered", () => {
    expect(chooseRoots([WS], [{ uri: "file:///x", real: "/x" }], "ignore")).toEqual({ roots: [WS], ignored: [] });
  });
});

describe("rootPath", () => {
  it.each([
    ["file:///srv/ws", "/srv/ws"],
    ["file:///srv/my%20ws", "/srv/my ws"],
    ["file://localhost/srv/ws", "/srv/ws"],
    ["https://example.com/ws", undefined],
    ["file://otherhost/srv", undefined],
    ["/srv/ws", undefined],
    ["file:///srv/%2F..%2Fetc", undefined],
  ])("%s → %s", (uri, expected) => {
    expect(rootPath(uri)).toBe(expected);
  });
});
