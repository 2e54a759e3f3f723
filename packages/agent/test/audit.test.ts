import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuditLog } from "../src/audit.js";

describe("AuditLog", () => {
  it("redacts secrets in arguments and in the error text", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "audit-")), "nested", "audit.jsonl");
    const log = new AuditLog(file, (m) => {
      throw new Error(m);
    });
    log.record({
      server: "api",
      tool: "http_get",
      args: { url: "https://api.io/x?api_key=k3y-value-1", headers: { "X-Auth-Token": "t0ken-value" } },
      durationMs: 12.4,
      ok: false,
      error: "refused: https://bob:hunter22@db.internal/?token=t0ken-value failed, Bearer abcdefghijklmnop",
      resultBytes: 0,
    });
    await log.flush();
    const text = readFileSync(file, "utf8");
    for (const secret of ["k3y-value-1", "t0ken-value", "hunter22", "abcdefghijklmnop"]) {
      expect(text).not.toContain(secret);
    }
    const entry = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ server: "api", tool: "http_get", ok: false, durationMs: 12, resultBytes: 0 });
    expect(entry.error).toContain("refused: https://bob:[redacted]@db.internal/?token=[redacted]");
  });
});
