import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withFileLock } from "../src/file-lock.js";

const lockFile = () => join(mkdtempSync(join(tmpdir(), "agent-lock-")), "login.json.lock");

describe("withFileLock", () => {
  it("runs one holder at a time in this process, and removes the lock after", async () => {
    const file = lockFile();
    const order: string[] = [];
    const hold = (name: string) =>
      withFileLock(file, async () => {
        order.push(`${name} in`);
        expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^${process.pid} [0-9a-f]+\\n$`));
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([hold("a"), hold("b")])).toEqual(["a", "b"]);
    expect(order).toEqual(["a in", "a out", "b in", "b out"]);
    expect(existsSync(file)).toBe(false);
  });

  it("removes the lock when the work throws", async () => {
    const file = lockFile();
    await expect(withFileLock(file, () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(existsSync(file)).toBe(false);
  });

  it("waits for a holder in another process", async () => {
    const file = lockFile();
    const child = spawn(
      process.execPath,
      [
        "-e",
        `require("node:fs").writeFileSync(process.argv[1], process.pid + " other\\n", { flag: "wx" });
         console.log("held");
         setTimeout(() => { require("node:fs").rmSync(process.argv[1]); }, 300);`,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    // Listened for now: the holder may exit before the lock is taken, and an exit event is not sent again.
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise((resolve) => child.stdout.once("data", resolve));
    let ranWhileHeld = false;
    await withFileLock(file, async () => {
      ranWhileHeld = readFileSync(file, "utf8").includes("other");
    });
    expect(ranWhileHeld).toBe(false);
    await exited;
  });

  it("takes over a lock whose process has exited (kill -9)", async () => {
    const file = lockFile();
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => child.once("exit", resolve));
    writeFileSync(file, `${child.pid} gone\n`);
    expect(await withFileLock(file, async () => readFileSync(file, "utf8"), { waitMs: 10_000 })).toMatch(
      new RegExp(`^${process.pid} `),
    );
  });

  it("takes over a lock file cut off before it named its holder", async () => {
    const file = lockFile();
    writeFileSync(file, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    expect(await withFileLock(file, async () => readFileSync(file, "utf8"), { waitMs: 10_000 })).toMatch(
      new RegExp(`^${process.pid} `),
    );
  });

  it("after waitMs runs without the lock, says so, and leaves the holder's lock alone", async () => {
    const file = lockFile();
    writeFileSync(file, `${process.pid} held-elsewhere\n`);
    let timedOut = false;
    const result = await withFileLock(file, async () => "ran", {
      waitMs: 100,
      onTimeout: () => {
        timedOut = true;
      },
    });
    expect([result, timedOut]).toEqual(["ran", true]);
    expect(readFileSync(file, "utf8")).toBe(`${process.pid} held-elsewhere\n`);
  });
});
