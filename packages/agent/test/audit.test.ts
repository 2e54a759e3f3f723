import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ARGS_BYTES, AUDIT_TEXT_CHARS, AuditLog, boundedArgs } from "../src/audit.js";

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
    expect(entry.error).toContain("refused: https://[redacted]@db.internal/?token=[redacted]");
  });
});

describe("AuditLog and its run", () => {
  it("names the run on every line when given one, right after the time", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.jsonl");
    const log = new AuditLog(
      file,
      (m) => {
        throw new Error(m);
      },
      "run-1",
    );
    const entry = { server: "db", tool: "list_tables", args: {}, durationMs: 1, ok: true, resultBytes: 2 };
    log.record(entry);
    log.record({ ...entry, tool: "describe_table" });
    await log.flush();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [Object.keys(line)[1], line.run, line.tool])).toEqual([
      ["run", "run-1", "list_tables"],
      ["run", "run-1", "describe_table"],
    ]);
  });
});

describe("AuditLog and a URL's credentials", () => {
  it("masks a URL's user part and secret-named query parameters as the servers' audit trail does, in args and error", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.jsonl");
    const log = new AuditLog(file, (m) => {
      throw new Error(m);
    });
    const url = "https://glpat-us3rt0ken@127.0.0.1:9/x?accesstoken=acc355&clientsecret=cl13nt&q=cats";
    log.record({
      server: "api",
      tool: "http_get",
      args: { url },
      durationMs: 3,
      ok: false,
      error: `too many redirects: stopped after 5 at ${url} → /x?accesstoken=acc355; the chain may loop`,
      resultBytes: 0,
    });
    await log.flush();
    const text = readFileSync(file, "utf8");
    for (const secret of ["us3rt0ken", "acc355", "cl13nt"]) expect(text).not.toContain(secret);
    const entry = JSON.parse(text.trim()) as { args: { url: string }; error: string };
    const masked = "https://[redacted]@127.0.0.1:9/x?accesstoken=[redacted]&clientsecret=[redacted]&q=cats";
    expect(entry.args.url).toBe(masked);
    expect(entry.error).toBe(
      `too many redirects: stopped after 5 at ${masked} → /x?accesstoken=[redacted]; the chain may loop`,
    );
  });
});

describe("AuditLog in a folder that cannot be made", () => {
  it.skipIf(process.platform !== "linux")(
    "says so once and lets the run end (under /proc, where mkdir -p looped)",
    async () => {
      const errors: string[] = [];
      const log = new AuditLog("/proc/mcp-toolkit-audit/x/audit.jsonl", (message) => errors.push(message));
      log.record({ server: "s", tool: "t", args: {}, durationMs: 1, ok: true, resultBytes: 0 });
      await log.flush();
      expect(errors).toEqual([
        expect.stringMatching(/^audit log \/proc\/mcp-toolkit-audit\/x\/audit\.jsonl not writable: ENOENT/),
      ]);
    },
  );
});

describe("boundedArgs", () => {
  const digest = (text: string) => createHash("sha256").update(text).digest("hex");

  it("keeps arguments under the bounds as they are", () => {
    const args = { path: "a.txt", content: "x".repeat(AUDIT_TEXT_CHARS), edits: [{ oldText: "a", newText: "b" }] };
    expect(boundedArgs(args)).toEqual(args);
  });

  it("keeps a long text as its start, its length and its digest, wherever it is", () => {
    const content = "y".repeat(10 * 1024 * 1024);
    expect(boundedArgs({ path: "big.txt", content, edits: [{ newText: content }] })).toEqual({
      path: "big.txt",
      content: `${"y".repeat(AUDIT_TEXT_CHARS)}… [10485760 characters in all, sha256 ${digest(content)}]`,
      edits: [{ newText: `${"y".repeat(AUDIT_TEXT_CHARS)}… [10485760 characters in all, sha256 ${digest(content)}]` }],
    });
  });

  it("never cuts between the halves of a surrogate pair", () => {
    const text = `${"a".repeat(AUDIT_TEXT_CHARS - 1)}😀${"b".repeat(10)}`;
    expect(boundedArgs(text)).toMatch(new RegExp(`^a{${AUDIT_TEXT_CHARS - 1}}… \\[`));
  });

  it("keeps arguments still over the line's bound as the start of their JSON and its digest", () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({ sql: `${i}`.padEnd(AUDIT_TEXT_CHARS, "-") }));
    const json = JSON.stringify({ statements });
    const bounded = boundedArgs({ statements }) as { $cut: string; bytes: number; sha256: string };
    expect(bounded).toEqual({
      $cut: `${json.slice(0, AUDIT_TEXT_CHARS)}…`,
      bytes: Buffer.byteLength(json),
      sha256: digest(json),
    });
    expect(JSON.stringify(bounded).length).toBeLessThan(AUDIT_ARGS_BYTES);
  });
});
