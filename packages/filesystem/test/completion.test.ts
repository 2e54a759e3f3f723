// Path completion: the pure split of what was typed, and a real client completing a large directory.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, chownSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pathStem } from "../src/completion.js";
import { connect, tempDir } from "./helpers.js";

describe("pathStem", () => {
  it.each([
    ["", { dir: "", prefix: "" }],
    ["ut", { dir: "", prefix: "ut" }],
    ["src/", { dir: "src/", prefix: "" }],
    ["src/ut", { dir: "src/", prefix: "ut" }],
    ["a/b/c", { dir: "a/b/", prefix: "c" }],
  ])("%j → %j", (typed, expected) => {
    expect(pathStem(typed)).toEqual(expected);
  });
});

describe("pathCompleter", () => {
  it.each(["find-in-files", "summarize-folder"])(
    "offers %s's folder argument folders and links to folders inside, never files or links elsewhere",
    async (name) => {
      const ws = tempDir();
      mkdirSync(path.join(ws.dir, "docs"));
      writeFileSync(path.join(ws.dir, "draft.txt"), "");
      symlinkSync("docs", path.join(ws.dir, "dlink"));
      symlinkSync("draft.txt", path.join(ws.dir, "d-file-link"));
      symlinkSync("/etc", path.join(ws.dir, "d-out-link"));
      symlinkSync("missing", path.join(ws.dir, "d-dangling"));
      const s = await connect({ root: ws.dir });
      try {
        const { completion } = await s.client.complete({
          ref: { type: "ref/prompt", name },
          argument: { name: "path", value: "d" },
        });
        expect(completion.values).toEqual(["dlink", "docs/"]);
      } finally {
        await s.close();
        ws.cleanup();
      }
    },
  );

  it("never offers a FIFO or socket, or a link to one, which a read refuses and resources/list leaves out", async () => {
    const ws = tempDir();
    writeFileSync(path.join(ws.dir, "f-file"), "");
    execFileSync("mkfifo", [path.join(ws.dir, "f-fifo")]);
    const socket = createServer().listen(path.join(ws.dir, "f-socket"));
    await once(socket, "listening");
    symlinkSync("f-fifo", path.join(ws.dir, "f-link"));
    const s = await connect({ root: ws.dir });
    try {
      const root = realpathSync(ws.dir).slice(1);
      const { completion } = await s.client.complete({
        ref: { type: "ref/resource", uri: "file:///{+path}" },
        argument: { name: "path", value: `${root}/f-` },
      });
      expect(completion.values).toEqual([`${root}/f-file`]);
    } finally {
      await s.close();
      socket.close();
      ws.cleanup();
    }
  });

  it("sends the first 100 matches in name order, and counts them all", async () => {
    const ws = tempDir();
    mkdirSync(path.join(ws.dir, "d0"));
    for (let i = 0; i < 200; i++) writeFileSync(path.join(ws.dir, "d0", `f${String(i).padStart(3, "0")}`), "");
    writeFileSync(path.join(ws.dir, "d0", "other"), "");
    const s = await connect({ root: ws.dir });
    try {
      const root = realpathSync(ws.dir).slice(1);
      const complete = async (value: string) =>
        (
          await s.client.complete({
            ref: { type: "ref/resource", uri: "file:///{+path}" },
            argument: { name: "path", value: `${root}/${value}` },
          })
        ).completion;
      const many = await complete("d0/f");
      expect(many.values).toEqual(Array.from({ length: 100 }, (_, i) => `${root}/d0/f${String(i).padStart(3, "0")}`));
      expect(many).toMatchObject({ total: 200, hasMore: true });
      expect(await complete("d0/f19")).toMatchObject({
        values: Array.from({ length: 10 }, (_, i) => `${root}/d0/f19${i}`),
        total: 10,
        hasMore: false,
      });
    } finally {
      await s.close();
      ws.cleanup();
    }
  });
});

// Root opens anything, so as root the completion runs as nobody (the server is in-process), as the listing's test does.
describe("what the server's user may not open", () => {
  it("is not offered, as resources/list leaves it out: a file it may not read, a folder it may not enter", async () => {
    const ws = tempDir();
    const asRoot = process.getuid?.() === 0;
    mkdirSync(path.join(ws.dir, "enterless"));
    mkdirSync(path.join(ws.dir, "open"));
    writeFileSync(path.join(ws.dir, "mode000.txt"), "secret");
    writeFileSync(path.join(ws.dir, "ok.txt"), "ok");
    symlinkSync("mode000.txt", path.join(ws.dir, "m-link"));
    if (asRoot) for (const p of ["", "enterless", "open", "ok.txt"]) chownSync(path.join(ws.dir, p), 65534, 65534);
    chmodSync(path.join(ws.dir, "mode000.txt"), 0o000);
    chmodSync(path.join(ws.dir, "enterless"), 0o644);
    const s = await connect({ root: ws.dir });
    const root = realpathSync(ws.dir).slice(1);
    const complete = async (
      ref: { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string },
      value: string,
    ) => {
      if (asRoot) {
        process.setegid?.(65534);
        process.seteuid?.(65534);
      }
      try {
        return (await s.client.complete({ ref, argument: { name: "path", value } })).completion.values;
      } finally {
        if (asRoot) {
          process.seteuid?.(0);
          process.setegid?.(0);
        }
      }
    };
    try {
      expect(await complete({ type: "ref/resource", uri: "file:///{+path}" }, `${root}/`)).toEqual([
        `${root}/ok.txt`,
        `${root}/open/`,
      ]);
      expect(await complete({ type: "ref/prompt", name: "summarize-folder" }, "")).toEqual(["open/"]);
    } finally {
      await s.close();
      chmodSync(path.join(ws.dir, "enterless"), 0o755);
      ws.cleanup();
    }
  });
});
