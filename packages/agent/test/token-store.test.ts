import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loginDirectory, TokenStore } from "../src/token-store.js";

describe("loginDirectory", () => {
  it.each([
    [{ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/u" }, "/x/cfg/mcp-toolkit/oauth"],
    [{ HOME: "/home/u" }, "/home/u/.config/mcp-toolkit/oauth"],
    // The XDG spec ignores a relative value.
    [{ XDG_CONFIG_HOME: "cfg", HOME: "/home/u" }, "/home/u/.config/mcp-toolkit/oauth"],
    [{ XDG_CONFIG_HOME: "", HOME: "/home/u" }, "/home/u/.config/mcp-toolkit/oauth"],
  ])("%j → %s", (env, dir) => {
    expect(loginDirectory(env)).toBe(dir);
  });
});

describe("TokenStore", () => {
  const tokens = { access_token: "a", token_type: "Bearer", refresh_token: "r" };

  it("keeps one file per server URL, readable by this user only, even in a folder that was wider", () => {
    const root = mkdtempSync(join(tmpdir(), "agent-tokens-"));
    const dir = join(root, "mcp-toolkit", "oauth");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    const store = new TokenStore(dir);
    store.update("https://a.example/mcp", (l) => ({ ...l, tokens }));
    store.update("https://b.example/mcp", (l) => ({ ...l, client: { client_id: "c" } }));
    const file = store.fileFor("https://a.example/mcp");
    expect(file).not.toBe(store.fileFor("https://b.example/mcp"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(store.read("https://a.example/mcp")).toMatchObject({ serverUrl: "https://a.example/mcp", tokens });
    expect(store.read("https://b.example/mcp").tokens).toBeUndefined();
    expect(store.remove("https://a.example/mcp")).toBe(true);
    expect(store.remove("https://a.example/mcp")).toBe(false);
    expect(store.read("https://a.example/mcp")).toEqual({ serverUrl: "https://a.example/mcp" });
  });

  it("reads a damaged file, or one for another URL, as no login", () => {
    const store = new TokenStore(mkdtempSync(join(tmpdir(), "agent-tokens-")));
    writeFileSync(store.fileFor("https://a.example/mcp"), "{not json");
    expect(store.read("https://a.example/mcp")).toEqual({ serverUrl: "https://a.example/mcp" });
    writeFileSync(
      store.fileFor("https://a.example/mcp"),
      JSON.stringify({ serverUrl: "https://evil.example", tokens }),
    );
    expect(store.read("https://a.example/mcp").tokens).toBeUndefined();
  });
});
