import { describe, expect, it, vi } from "vitest";
import { guardedAuditLog } from "../src/audit-guard.js";
import type { AuditEntry, AuditLog } from "../src/audit-log.js";

const entry = { ts: "now", method: "tools/list" } as AuditEntry;

describe("guardedAuditLog", () => {
  it("passes lines through to a log that writes", () => {
    const write = vi.fn();
    const log = guardedAuditLog({ write, toolCall: vi.fn(), reopen: () => true, close: async () => {} }, vi.fn());
    log.write(entry);
    expect(write).toHaveBeenCalledWith(entry);
    expect(log.reopen()).toBe(true);
  });

  it("never throws for a log that does, and warns of the first failure only", () => {
    const broken = () => {
      throw new Error("disk full");
    };
    const warn = vi.fn();
    const log = guardedAuditLog({ write: broken, toolCall: broken, reopen: () => false, close: async () => {} }, warn);
    expect(() => log.write(entry)).not.toThrow();
    expect(() => log.toolCall({} as Parameters<AuditLog["toolCall"]>[0])).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      "the audit log failed to write a line, and requests go on without it: Error: disk full",
    );
  });

  it("catches the rejection of a log whose writes are async, so the process does not die of it", async () => {
    const rejecting = async () => {
      throw new Error("stream closed");
    };
    const warn = vi.fn();
    const log = guardedAuditLog(
      { write: rejecting, toolCall: rejecting, reopen: () => false, close: async () => {} },
      warn,
    );
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      log.write(entry);
      log.toolCall({} as Parameters<AuditLog["toolCall"]>[0]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off("unhandledRejection", unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      "the audit log failed to write a line, and requests go on without it: Error: stream closed",
    );
  });
});
