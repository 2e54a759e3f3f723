import { describe, expect, it } from "vitest";
import { browserCommand } from "../src/open-browser.js";

describe("browserCommand", () => {
  const url = "http://127.0.0.1:9/authorize?x=1&y=2";
  it.each<[NodeJS.Platform, Record<string, string>, string[] | undefined]>([
    ["darwin", {}, ["open", url]],
    ["win32", {}, ["cmd", "/c", "start", "", url]],
    ["linux", { DISPLAY: ":0" }, ["xdg-open", url]],
    ["linux", { WAYLAND_DISPLAY: "wayland-0" }, ["xdg-open", url]],
    // A server or a container: nothing to open; the URL is printed.
    ["linux", {}, undefined],
    ["freebsd", { DISPLAY: "" }, undefined],
  ])("%s %j → %j", (platform, env, command) => {
    expect(browserCommand(url, platform, env)).toEqual(command);
  });
});
