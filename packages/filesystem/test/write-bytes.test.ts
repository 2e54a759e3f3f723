import { describe, expect, it } from "vitest";
import { keptMode, writeAll } from "../src/write-bytes.js";

describe("writeAll", () => {
  it("writes again what a short write left (a full disk takes what fits and says nothing)", async () => {
    const landed: number[] = [];
    const file = {
      async write(data: Buffer, offset: number, length: number) {
        const taken = Math.min(length, 1000);
        for (let i = offset; i < offset + taken; i++) landed.push(data[i] as number);
        return { bytesWritten: taken };
      },
    };
    const data = Buffer.from(Array.from({ length: 4321 }, (_, i) => i % 251));
    await writeAll(file, data);
    expect(Buffer.from(landed)).toEqual(data);
  });

  it("fails as the disk is full when a write takes nothing, instead of going on", async () => {
    let calls = 0;
    const file = {
      async write(_data: Buffer, _offset: number, length: number) {
        calls++;
        return { bytesWritten: calls === 1 ? Math.min(length, 10) : 0 };
      },
    };
    await expect(writeAll(file, Buffer.alloc(100))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(calls).toBe(2);
  });
});

describe("keptMode", () => {
  it("keeps the mode when the owner is given back", async () => {
    const file = { chown: async () => {} };
    expect(await keptMode(file, 0o4755, { uid: 1234, gid: 1234 })).toBe(0o4755);
  });

  it("drops setuid and setgid where the owner cannot be given back, as the kernel does for another user's write", async () => {
    const file = {
      chown: async () => {
        throw Object.assign(new Error("operation not permitted"), { code: "EPERM" });
      },
    };
    expect(await keptMode(file, 0o6755, { uid: 1234, gid: 1234 })).toBe(0o755);
    expect(await keptMode(file, 0o1777, { uid: 1234, gid: 1234 })).toBe(0o1777);
  });

  it("keeps the mode of a new file, which has no owner to give back", async () => {
    expect(await keptMode({ chown: async () => {} }, 0o644, undefined)).toBe(0o644);
  });
});
