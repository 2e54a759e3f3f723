import { closeSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox.js";
import { connect, tempDir, textOf } from "./helpers.js";

/**
 * The hostile-input table against a real directory tree with real symlinks, through the real tools.
 * Layout: base/ws (the root), base/outside/secret.txt, base/ws-evil/secret.txt, base/ws-link -> ws.
 */
const base = tempDir("fs-sandbox-");
const ws = path.join(base.dir, "ws");
const outside = path.join(base.dir, "outside");

function layout(): void {
  mkdirSync(path.join(ws, "sub"), { recursive: true });
  mkdirSync(outside);
  mkdirSync(path.join(base.dir, "ws-evil"));
  writeFileSync(path.join(ws, "inside.txt"), "inside");
  writeFileSync(path.join(ws, "sub", "deep.txt"), "deep");
  writeFileSync(path.join(ws, "résumé 日本.txt"), "unicode");
  writeFileSync(path.join(ws, "%2e%2e"), "percent");
  writeFileSync(path.join(outside, "secret.txt"), "SECRET");
  writeFileSync(path.join(base.dir, "ws-evil", "secret.txt"), "SECRET");
  symlinkSync("inside.txt", path.join(ws, "link-in.txt"));
  symlinkSync("sub", path.join(ws, "link-sub"));
  symlinkSync("../outside/secret.txt", path.join(ws, "link-out.txt"));
  symlinkSync(path.join(outside, "secret.txt"), path.join(ws, "abs-out.txt"));
  symlinkSync("../outside", path.join(ws, "link-dir-out"));
  symlinkSync("chain2", path.join(ws, "chain1"));
  symlinkSync("../outside/secret.txt", path.join(ws, "chain2"));
  symlinkSync("chain-in2", path.join(ws, "chain-in1"));
  symlinkSync("inside.txt", path.join(ws, "chain-in2"));
  symlinkSync("../outside/new.txt", path.join(ws, "dangling-out"));
  symlinkSync("loop-b", path.join(ws, "loop-a"));
  symlinkSync("loop-a", path.join(ws, "loop-b"));
  symlinkSync("ws", path.join(base.dir, "ws-link"));
  symlinkSync("oloop-b", path.join(base.dir, "oloop-a"));
  symlinkSync("oloop-a", path.join(base.dir, "oloop-b"));
  symlinkSync("../oloop-a", path.join(ws, "link-out-loop"));
}

describe("the sandbox, against hostile paths on a real tree", () => {
  let session: Awaited<ReturnType<typeof connect>>;
  let linkedRoot: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    layout();
    session = await connect({ root: ws });
    linkedRoot = await connect({ root: path.join(base.dir, "ws-link") });
  });
  afterAll(async () => {
    await session.close();
    await linkedRoot.close();
    base.cleanup();
  });

  it.each([
    // [path, content when allowed | "refused"]
    ["inside.txt", "inside"],
    ["./sub/../inside.txt", "inside"],
    ["sub/deep.txt", "deep"],
    ["sub/deep.txt/", "refused"], // a trailing separator on a file is not the file
    ["link-in.txt", "inside"],
    ["link-sub/deep.txt", "deep"],
    ["chain-in1", "inside"],
    ["résumé 日本.txt", "unicode"],
    ["%2e%2e", "percent"],
    ["%2e%2e/%2e%2e/outside/secret.txt", "refused"],
    ["../outside/secret.txt", "refused"],
    ["../ws-evil/secret.txt", "refused"],
    ["../../../../../../etc/passwd", "refused"],
    ["/etc/passwd", "refused"],
    ["link-out.txt", "refused"],
    ["abs-out.txt", "refused"],
    ["link-dir-out/secret.txt", "refused"],
    ["link-dir-out/missing.txt", "refused"], // says "outside", not "not found": no probing what exists out there
    ["chain1", "refused"],
    ["dangling-out", "refused"],
    ["loop-a", "refused"],
    ["link-out-loop", "refused"], // an error opening what lies outside (ELOOP here) must not tell what is there
    ["inside.txt\0../../outside/secret.txt", "refused"],
  ])("read_file %j → %s", async (input, expected) => {
    const result = await session.call("read_file", { path: input });
    const text = textOf(result);
    expect(text).not.toContain("SECRET");
    if (expected === "refused") {
      expect(result.isError).toBe(true);
      expect(text).toContain(JSON.stringify(input));
      if (/^(link|dangling|chain)/.test(input)) expect(text).toContain("outside the workspace root");
    } else {
      expect(result.isError).toBeFalsy();
      expect(text).toBe(expected);
    }
  });

  it.each([
    ["link-dir-out/new.txt"], // a new file under a symlinked parent pointing out
    ["link-dir-out/deeper/new.txt"], // ... with missing directories below it
    ["dangling-out"], // a dangling symlink pointing out
    ["link-out.txt"], // an existing symlink pointing out
    ["../outside/new.txt"],
    [`${ws}-evil/new.txt`],
  ])("write_file %j is refused and nothing is written outside", async (input) => {
    const before = readdirSync(outside).sort();
    const result = await session.call("write_file", { path: input, content: "PWNED" });
    expect(result.isError).toBe(true);
    expect(readdirSync(outside).sort()).toEqual(before);
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("SECRET");
    expect(existsSync(path.join(outside, "deeper"))).toBe(false);
  });

  it("writes a new file under a symlinked parent that stays inside", async () => {
    const result = await session.call("write_file", { path: "link-sub/new/file.txt", content: "ok" });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(path.join(ws, "sub", "new", "file.txt"), "utf8")).toBe("ok");
  });

  it("writes through an in-workspace symlink to its target, keeping the link", async () => {
    writeFileSync(path.join(ws, "target.txt"), "old");
    symlinkSync("target.txt", path.join(ws, "to-target"));
    expect((await session.call("write_file", { path: "to-target", content: "new" })).isError).toBeFalsy();
    expect(readFileSync(path.join(ws, "target.txt"), "utf8")).toBe("new");
  });

  it.each([
    ["list_directory", { path: "link-dir-out" }],
    ["directory_tree", { path: "link-dir-out" }],
    ["search_files", { path: "link-dir-out", pattern: "*" }],
    ["get_file_info", { path: "link-out.txt" }],
    ["create_directory", { path: "link-dir-out/made" }],
    ["delete_file", { path: "link-dir-out/secret.txt" }],
    ["move_file", { source: "link-dir-out/secret.txt", destination: "stolen.txt" }],
    ["move_file", { source: "inside.txt", destination: "link-dir-out/planted.txt" }],
    ["edit_file", { path: "link-out.txt", edits: [{ oldText: "SECRET", newText: "x" }] }],
    ["read_multiple_files", { paths: ["link-out.txt"] }],
  ])("%s through a symlink pointing out is refused", async (tool, args) => {
    const result = await session.call(tool, args);
    expect(textOf(result)).not.toContain("SECRET");
    expect(tool === "read_multiple_files" ? textOf(result) : result.isError).toBeTruthy();
    expect(textOf(result)).toContain("outside the workspace root");
    expect(readdirSync(outside).sort()).toEqual(["secret.txt"]);
    expect(readFileSync(path.join(outside, "secret.txt"), "utf8")).toBe("SECRET");
  });

  it("serves a symlinked root under both its names, and nothing beside it", async () => {
    expect(textOf(await linkedRoot.call("read_file", { path: "inside.txt" }))).toBe("inside");
    expect(textOf(await linkedRoot.call("read_file", { path: path.join(base.dir, "ws-link", "inside.txt") }))).toBe(
      "inside",
    );
    expect(textOf(await linkedRoot.call("read_file", { path: path.join(ws, "inside.txt") }))).toBe("inside");
    const escaped = await linkedRoot.call("read_file", { path: "../outside/secret.txt" });
    expect(escaped.isError).toBe(true);
  });

  describe.each([
    ["/proc/self/fd (Linux)", true],
    ["portable fallback: resolve, open O_NOFOLLOW, compare inodes", false],
  ])("Sandbox.open via %s", (_, procFd) => {
    it.each([
      ["inside.txt", "inside"],
      ["link-in.txt", "inside"],
      ["chain-in1", "inside"],
      ["link-sub/deep.txt", "deep"],
      ["link-out.txt", null],
      ["abs-out.txt", null],
      ["chain1", null],
      ["link-dir-out/secret.txt", null],
      ["../outside/secret.txt", null],
    ])("%s", (input, expected) => {
      const sandbox = new Sandbox([ws], procFd);
      if (expected === null) {
        expect(() => sandbox.open(input)).toThrow(/outside the workspace root/);
        return;
      }
      const opened = sandbox.open(input);
      try {
        expect(readFileSync(opened.fd, "utf8")).toBe(expected);
        expect(opened.real.startsWith(ws)).toBe(true);
      } finally {
        closeSync(opened.fd);
      }
    });
  });

  describe.each([
    ["/proc/self/fd (Linux)", true],
    ["portable fallback", false],
  ])("Sandbox.openListedFile via %s: a search's open of a listed regular file", (_, procFd) => {
    /** The content read through openListedFile, or the error it threw. */
    const readListed = (sandbox: Sandbox, dirInput: string, name: string): string => {
      const dir = sandbox.openDir(dirInput, sandbox.lexical(dirInput));
      try {
        const file = sandbox.openListedFile(dirInput, dir, name);
        try {
          return readFileSync(file.fd, "utf8");
        } finally {
          closeSync(file.fd);
        }
      } finally {
        closeSync(dir.fd);
      }
    };

    it.each([
      [".", "inside.txt", "inside"],
      ["sub", "deep.txt", "deep"],
      ["link-sub", "deep.txt", "deep"],
    ])("%s/%s reads %s", (dirInput, name, expected) => {
      expect(readListed(new Sandbox([ws], procFd), dirInput, name)).toBe(expected);
    });

    // A name listed as a file and swapped for a symlink before the open: never followed out.
    it.each(["link-out.txt", "abs-out.txt", "chain1", "link-out-loop"])("%s (a symlink out) is not read", (name) => {
      expect(() => readListed(new Sandbox([ws], procFd), ".", name)).toThrow();
    });

    it("refuses a hidden name", () => {
      const sandbox = new Sandbox([ws], procFd, ["sub/deep.txt"]);
      expect(() => readListed(sandbox, "link-sub", "deep.txt")).toThrow(/kept from the file tools/);
    });
  });

  // What get_file_info falls back to where a file cannot be opened to be read: an O_PATH descriptor, verified as
  // Sandbox.open verifies, so a symlink leads no further than open would let it.
  describe("Sandbox.lookAt: metadata through an O_PATH descriptor", () => {
    it.for([
      ["inside.txt", "inside.txt"],
      ["link-in.txt", "inside.txt"],
      ["chain-in1", "inside.txt"],
      ["link-sub/deep.txt", "sub/deep.txt"],
      ["link-out.txt", null],
      ["abs-out.txt", null],
      ["chain1", null],
      ["link-dir-out/secret.txt", null],
    ] as const)("%s", ([input, real], ctx) => {
      if (process.platform !== "linux") ctx.skip("O_PATH and /proc/self/fd are Linux's");
      const sandbox = new Sandbox([ws], true);
      const at = path.join(ws, input);
      if (real === null) {
        expect(() => sandbox.lookAt(input, at)).toThrow(/outside the workspace root/);
        return;
      }
      const seen = sandbox.lookAt(input, at);
      expect(seen?.real).toBe(path.join(ws, real));
      expect(seen?.stat.isFile()).toBe(true);
    });

    it("refuses a hidden file reached through a symlink", (ctx) => {
      if (process.platform !== "linux") ctx.skip("O_PATH and /proc/self/fd are Linux's");
      const sandbox = new Sandbox([ws], true, ["sub/deep.txt"]);
      expect(() => sandbox.lookAt("link-sub/deep.txt", path.join(ws, "link-sub/deep.txt"))).toThrow(
        /kept from the file tools/,
      );
    });

    it("gives nothing where a path cannot even be looked at, or off /proc/self/fd", () => {
      expect(new Sandbox([ws], true).lookAt("gone.txt", path.join(ws, "gone.txt"))).toBeUndefined();
      expect(new Sandbox([ws], false).lookAt("inside.txt", path.join(ws, "inside.txt"))).toBeUndefined();
    });
  });
});

describe("a symlink inside the root whose target does not exist", () => {
  const tmp = tempDir();
  let s: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    symlinkSync("missing.txt", path.join(tmp.dir, "dangling"));
    s = await connect({ root: tmp.dir });
  });
  afterAll(async () => {
    await s.close();
    tmp.cleanup();
  });

  it.each([
    ["read_file", { path: "dangling" }],
    ["get_file_info", { path: "dangling" }],
    ["read_multiple_files", { paths: ["dangling"] }],
  ])("%s says it is a dangling link, which list_directory shows, not that it is missing", async (tool, args) => {
    const text = textOf(await s.call(tool, args));
    expect(text).toContain('"dangling": is a symlink whose target does not exist; delete_file removes the link');
    expect(text).not.toContain("not found");
    expect(textOf(await s.call("list_directory", {}))).toBe("[LINK] dangling");
  });

  it("still says not found for a path that is not there at all", async () => {
    expect(textOf(await s.call("read_file", { path: "nothing" }))).toMatch(/"nothing": not found/);
  });
});
