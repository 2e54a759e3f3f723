import { describe, expect, it } from "vitest";
import { FileTurns } from "../src/file-turns.js";

/** A task that records its start and end, and finishes when `release` is called. */
function gated(log: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    task: async () => {
      log.push(`${name} start`);
      await done;
      log.push(`${name} end`);
      return name;
    },
    release: () => release(),
  };
}

describe("FileTurns", () => {
  it("runs the tasks of one file one at a time, in the order they came", async () => {
    const turns = new FileTurns();
    const log: string[] = [];
    const a = gated(log, "a");
    const b = gated(log, "b");
    const ran = [turns.run("/f", a.task), turns.run("/f", b.task)];
    await Promise.resolve();
    b.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(["a start"]);
    a.release();
    expect(await Promise.all(ran)).toEqual(["a", "b"]);
    expect(log).toEqual(["a start", "a end", "b start", "b end"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(turns.size).toBe(0);
  });

  it("lets other files go on meanwhile", async () => {
    const turns = new FileTurns();
    const log: string[] = [];
    const a = gated(log, "a");
    const b = gated(log, "b");
    const ran = [turns.run("/f", a.task), turns.run("/g", b.task)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(["a start", "b start"]);
    b.release();
    a.release();
    expect(await Promise.all(ran)).toEqual(["a", "b"]);
  });

  it("passes a task's error on, and runs the next task all the same", async () => {
    const turns = new FileTurns();
    const failed = turns.run("/f", async () => {
      throw new Error("no");
    });
    const next = turns.run("/f", async () => "next");
    await expect(failed).rejects.toThrow("no");
    expect(await next).toBe("next");
  });
});
