// Reading a server's --audit-log file, or an audit trail kept in memory, for the tests of what it records.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { expect } from "vitest";
import { type AuditEntry, type AuditLog, toolCallEntry } from "../src/audit-log.js";

/**
 * The audit line (from the server's --audit-log `file`) of its `tool` call with `args`, once written: a cancelled
 * call is written when its handler stops, which may be after its client has gone.
 */
export async function auditedCall(file: string, tool: string, args: Record<string, unknown>): Promise<AuditEntry> {
  const digest = createHash("sha256").update(JSON.stringify(args)).digest("hex");
  const lineOf = () => auditLines(file).find((entry) => entry.tool === tool && entry.args_sha256 === digest);
  await expect.poll(lineOf, { timeout: 30_000, interval: 50 }).toBeDefined();
  return lineOf() as AuditEntry;
}

/** Every line of the audit trail in `file` so far. */
export function auditLines(file: string): AuditEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .slice(0, -1) // a line still being written has no newline yet
    .map((line) => JSON.parse(line) as AuditEntry);
}

/** An audit trail kept in memory: every entry written, tool calls as their lines. */
export function memoryAudit(): { audit: AuditLog; entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const audit: AuditLog = {
    write: (entry) => void entries.push(entry),
    toolCall: (call) => void entries.push(toolCallEntry(call)),
    reopen: () => false,
    close: async () => {},
  };
  return { audit, entries };
}
