import { createHash } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthInfo, CallToolResult } from "@modelcontextprotocol/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ARGS_PREVIEW_CHARS,
  type AuditEntry,
  argsDigest,
  openAuditLog,
  type ToolCallRecord,
  toolCallEntry,
} from "../src/audit-log.js";
import type { Caller } from "../src/caller.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("argsDigest", () => {
  it("keeps no digest of arguments too deep to write out, and says why, where it threw", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const digest = argsDigest({ body: deep });
    expect(digest.args_sha256).toBeNull();
    expect(digest.args_preview).toBe("[not written out: the arguments nest 20001 levels deep]");
  });

  it("masks a URL argument's query secrets in the audit preview, as a secret-named argument is", () => {
    const { args_preview } = argsDigest({ url: "http://127.0.0.1:1/x?token=abc123&api_key=zzz999" });
    expect(args_preview).toBe('{"url":"http://127.0.0.1:1/x?token=[redacted]&api_key=[redacted]"}');
  });

  it("masks a URL argument's user:password part (or a token written as the user) in the audit preview", () => {
    const { args_preview } = argsDigest({ method: "DELETE", url: "http://ann:hunter2@127.0.0.1:1/x?token=abc" });
    expect(args_preview).toBe('{"method":"DELETE","url":"http://[redacted]@127.0.0.1:1/x?token=[redacted]"}');
  });

  it("hashes the JSON of the masked arguments, so a call can be matched but a secret not guessed from the hash", () => {
    expect(argsDigest({}).args_sha256).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(argsDigest(undefined).args_sha256).toBe(sha256("{}"));
    expect(argsDigest({ path: "a.txt", n: 1 }).args_sha256).toBe(sha256('{"path":"a.txt","n":1}'));
    const one = argsDigest({ user: "ann", password: "hunter2" });
    const two = argsDigest({ user: "ann", password: "letmein" });
    expect(one.args_preview).toBe(two.args_preview);
    // The hash says nothing about the password: trying "hunter2" offline against it finds nothing.
    expect(one.args_sha256).toBe(two.args_sha256);
    expect(one.args_sha256).toBe(sha256('{"user":"ann","password":"[redacted]"}'));
    expect(one.args_sha256).not.toBe(sha256('{"user":"ann","password":"hunter2"}'));
    // The whole masked text is hashed, not the cut preview: long arguments that differ late differ in the hash.
    const long = (tail: string) => argsDigest({ text: `${"x".repeat(500)}${tail}` }).args_sha256;
    expect(long("a")).not.toBe(long("b"));
  });

  it.each<[string, unknown, string]>([
    ["no arguments", undefined, "{}"],
    ["plain arguments", { path: "notes/a.txt", limit: 10 }, '{"path":"notes/a.txt","limit":10}'],
    ["a password", { user: "ann", password: "hunter2" }, '{"user":"ann","password":"[redacted]"}'],
    ["passwd", { passwd: "x" }, '{"passwd":"[redacted]"}'],
    ["a token", { access_token: "abc" }, '{"access_token":"[redacted]"}'],
    ["a secret", { client_secret: "abc" }, '{"client_secret":"[redacted]"}'],
    ["api_key", { api_key: "k" }, '{"api_key":"[redacted]"}'],
    ["apiKey", { apiKey: "k" }, '{"apiKey":"[redacted]"}'],
    ["api-key", { "x-api-key": "k" }, '{"x-api-key":"[redacted]"}'],
    ["credentials", { credentials: "u:p" }, '{"credentials":"[redacted]"}'],
    ["a cookie", { Cookie: "sid=1" }, '{"Cookie":"[redacted]"}'],
    ["upper case", { PASSWORD: "x", API_KEY: "y" }, '{"PASSWORD":"[redacted]","API_KEY":"[redacted]"}'],
    ["a number", { token: 12345 }, '{"token":"[redacted]"}'],
    ["a boolean", { secret: true }, '{"secret":"[redacted]"}'],
    ["a null, which hides nothing", { token: null }, '{"token":null}'],
    [
      "a nested header",
      { url: "https://x", headers: { Authorization: "Bearer abc", Accept: "text/plain" } },
      '{"url":"https://x","headers":{"Authorization":"[redacted]","Accept":"text/plain"}}',
    ],
    [
      "deep inside arrays",
      { requests: [{ a: { b: [{ password: "p" }] } }] },
      '{"requests":[{"a":{"b":[{"password":"[redacted]"}]}}]}',
    ],
    ["a top-level array", [{ token: "t" }, "token"], '[{"token":"[redacted]"},"token"]'],
    ["a top-level string", "password", '"password"'],
  ])("masks %s", (_, args, preview) => {
    expect(argsDigest(args).args_preview).toBe(preview);
  });

  it.each<[string, unknown]>([
    ["a list", { api_key: ["sk-live-123"] }],
    ["an object", { password: { value: "hunter2" } }],
  ])("masks %s under a secret key", (_, args) => {
    const { args_preview } = argsDigest(args);
    expect(args_preview).not.toMatch(/sk-live-123|hunter2/);
  });

  it("applies the server's redactor to the masked text, and hashes what it leaves", () => {
    const seen: string[] = [];
    const redact = (text: string) => {
      seen.push(text);
      return text.replaceAll("s3cr3t", "[server secret]");
    };
    const args = { url: "https://api.example/?key=s3cr3t", password: "hunter2" };
    const digest = argsDigest(args, redact);
    expect(digest.args_preview).toBe('{"url":"https://api.example/?key=[server secret]","password":"[redacted]"}');
    expect(digest.args_sha256).toBe(sha256(digest.args_preview));
    expect(seen).toEqual(['{"url":"https://api.example/?key=s3cr3t","password":"[redacted]"}']);
  });

  it.each([
    ["shorter than the limit", 100, 108],
    ["exactly the limit", ARGS_PREVIEW_CHARS - 8, ARGS_PREVIEW_CHARS],
    ["one over the limit", ARGS_PREVIEW_CHARS - 7, ARGS_PREVIEW_CHARS],
    ["far over the limit", 5000, ARGS_PREVIEW_CHARS],
  ])("keeps a preview %s within %i characters", (_, xs, length) => {
    const json = JSON.stringify({ t: "x".repeat(xs) });
    const { args_preview } = argsDigest({ t: "x".repeat(xs) });
    expect(args_preview).toHaveLength(length);
    if (json.length > ARGS_PREVIEW_CHARS) {
      expect(args_preview).toBe(`${json.slice(0, ARGS_PREVIEW_CHARS - 1)}…`);
    } else {
      expect(args_preview).toBe(json);
    }
  });

  it("redacts before cutting, so a secret across the cut does not escape the redactor half-shown", () => {
    const secret = "s3cr3t-value-of-the-server";
    // The secret starts 10 characters before the cut.
    const pad = "x".repeat(ARGS_PREVIEW_CHARS - 10 - '{"q":"'.length);
    const { args_preview } = argsDigest({ q: `${pad}${secret}` }, (text) => text.replaceAll(secret, "[S]"));
    expect(args_preview).toBe(`{"q":"${pad}[S]"}`);
    expect(args_preview).not.toContain("s3cr3t");
  });
});

const CALLER: Caller = {
  id: "alice",
  sub: "alice",
  clientId: "cli-1",
  tokenName: "ci",
  roles: new Set(["reader"]),
};

const authInfo = (caller: Caller, requestId?: string): AuthInfo => ({
  token: "t",
  clientId: "",
  scopes: [],
  extra: { caller, ...(requestId ? { requestId, clientAddress: "203.0.113.7" } : {}) },
});

const text = (t: string, isError = false): CallToolResult => ({
  content: [{ type: "text", text: t }],
  ...(isError ? { isError: true } : {}),
});

const record = (over: Partial<ToolCallRecord> = {}): ToolCallRecord => ({
  tool: "read_file",
  args: { path: "a.txt" },
  result: text("hello"),
  authInfo: authInfo(CALLER, "req-1"),
  rpcId: 7,
  durationMs: 12.6,
  ...over,
});

describe("toolCallEntry", () => {
  it("has every documented field of a successful call", () => {
    const before = Date.now();
    const entry = toolCallEntry(record());
    const after = Date.now();
    expect(entry).toEqual({
      ts: expect.any(String),
      request_id: "req-1/7",
      caller: { sub: "alice", client_id: "cli-1", token_name: "ci" },
      client_address: "203.0.113.7",
      method: "tools/call",
      tool: "read_file",
      args_sha256: sha256('{"path":"a.txt"}'),
      args_preview: '{"path":"a.txt"}',
      outcome: "ok",
      reason: null,
      duration_ms: 13,
      bytes: Buffer.byteLength('{"content":[{"type":"text","text":"hello"}]}'),
    } satisfies AuditEntry);
    expect(entry.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(entry.ts)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(entry.ts)).toBeLessThanOrEqual(after);
  });

  it("counts the result's bytes, not its characters", () => {
    expect(toolCallEntry(record({ result: text("héllo") })).bytes).toBe(45);
  });

  it("names a stdio call (no AuthInfo) by the JSON-RPC id alone, with no caller", () => {
    const entry = toolCallEntry(record({ authInfo: undefined, rpcId: "abc" }));
    expect(entry.request_id).toBe("stdio/abc");
    expect(entry.caller).toBeNull();
  });

  it.each<[string, Caller, AuditEntry["caller"]]>([
    ["an OAuth subject", { id: "u1", sub: "u1", roles: new Set() }, { sub: "u1", client_id: null, token_name: null }],
    [
      "an OAuth client",
      { id: "svc", clientId: "svc", roles: new Set() },
      { sub: null, client_id: "svc", token_name: null },
    ],
    [
      "a named token",
      { id: "ci", tokenName: "ci", roles: new Set(["writer"]) },
      { sub: null, client_id: null, token_name: "ci" },
    ],
  ])("names %s as the caller", (_, caller, expected) => {
    expect(toolCallEntry(record({ authInfo: authInfo(caller) })).caller).toEqual(expected);
  });

  it("uses stdio as the request id when the AuthInfo carries none", () => {
    expect(toolCallEntry(record({ authInfo: authInfo(CALLER) })).request_id).toBe("stdio/7");
    // On stdio there is no address to name.
    expect(toolCallEntry(record({ authInfo: authInfo(CALLER) })).client_address).toBeNull();
  });

  it.each<[string, CallToolResult, AuditEntry["outcome"], string | null]>([
    ["a success, even with text", text("first\nsecond"), "ok", null],
    ["an error", text("file not found: a.txt", true), "error", "file not found: a.txt"],
    ["an error over several lines", text("bad input\n  at line 3\nmore", true), "error", "bad input"],
    ["an error of 1000 characters", text("e".repeat(1000), true), "error", "e".repeat(300)],
    [
      "an error that is not text first",
      { content: [{ type: "image", data: "AAAA", mimeType: "image/png" }], isError: true },
      "error",
      null,
    ],
    ["an error with no content", { content: [], isError: true }, "error", null],
  ])("reports %s", (_, result, outcome, reason) => {
    const entry = toolCallEntry(record({ result }));
    expect(entry.outcome).toBe(outcome);
    expect(entry.reason).toBe(reason);
  });

  it.each<[string, CallToolResult, string]>([
    [
      "a search's note of how far it got",
      text("a.txt:1: hit\n[cancelled by the client after 812 entries; results are partial]"),
      "cancelled by the client after 812 entries; results are partial",
    ],
    [
      "an error saying the statement was stopped",
      text("execute_query failed: cancelled by the client and stopped; changes rolled back\nmore", true),
      "execute_query failed: cancelled by the client and stopped; changes rolled back",
    ],
    ["a result that says nothing of it", text("hello"), "cancelled by the client"],
    ["an error about something else", text("file not found: a.txt", true), "cancelled by the client"],
    ["a hit that merely quotes the words", text("notes.txt:3: cancelled by the client"), "cancelled by the client"],
  ])("reports a call cancelled by its client as cancelled, quoting %s", (_, result, reason) => {
    const entry = toolCallEntry(record({ result, cancelled: true }));
    expect(entry.outcome).toBe("cancelled");
    expect(entry.reason).toBe(reason);
  });

  it("reports a call that asked the user as asked, even if it was cancelled meanwhile", () => {
    expect(toolCallEntry(record({ asked: true, cancelled: true })).outcome).toBe("asked");
  });

  it("passes the server's redactor to the preview", () => {
    const entry = toolCallEntry(
      record({ args: { url: "https://x/?k=s3cr3t" }, redact: (t) => t.replaceAll("s3cr3t", "[S]") }),
    );
    expect(entry.args_preview).toBe('{"url":"https://x/?k=[S]"}');
    expect(entry.args_sha256).toBe(sha256('{"url":"https://x/?k=[S]"}'));
  });

  it("rounds the duration to whole milliseconds", () => {
    expect(toolCallEntry(record({ durationMs: 0.4 })).duration_ms).toBe(0);
    expect(toolCallEntry(record({ durationMs: 1500.5 })).duration_ms).toBe(1501);
  });
});

const entry = (n: number): AuditEntry => ({
  ts: new Date(0).toISOString(),
  request_id: `r/${n}`,
  caller: null,
  client_address: null,
  method: "tools/list",
  tool: null,
  args_sha256: null,
  args_preview: null,
  outcome: "ok",
  reason: null,
  duration_ms: n,
  bytes: 0,
});

const linesOf = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "");

/** Wait until a write has reached the file (the stream opens and writes asynchronously). */
const landed = (file: string, text: string) =>
  vi.waitFor(() => expect(readFileSync(file, "utf8")).toContain(text), { timeout: 5000, interval: 5 });

describe("openAuditLog to a file", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "audit-log-"));
    file = join(dir, "audit.jsonl");
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the file at open, before any line is written", async () => {
    const log = openAuditLog(file);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("");
    await log.close();
  });

  it("writes one JSON object per line, tool calls included", async () => {
    const log = openAuditLog(file);
    log.write(entry(1));
    log.toolCall(record({ result: text("multi\nline\ntext", true) }));
    log.write(entry(2));
    await log.close();
    const content = readFileSync(file, "utf8");
    expect(content.endsWith("\n")).toBe(true);
    const lines = linesOf(file).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual(entry(1));
    expect(lines[1]).toMatchObject({ request_id: "req-1/7", tool: "read_file", outcome: "error", reason: "multi" });
    expect(lines[2]).toEqual(entry(2));
  });

  it("appends to what the file already holds", async () => {
    writeFileSync(file, '{"earlier":true}\n');
    const log = openAuditLog(file);
    log.write(entry(1));
    await log.close();
    const again = openAuditLog(file);
    again.write(entry(2));
    await again.close();
    expect(linesOf(file)).toEqual(['{"earlier":true}', JSON.stringify(entry(1)), JSON.stringify(entry(2))]);
  });

  it("writes at the end of the file even when another writer appended meanwhile (O_APPEND)", async () => {
    const log = openAuditLog(file);
    log.write(entry(1));
    await landed(file, '"r/1"');
    appendFileSync(file, "another writer\n");
    log.write(entry(2));
    await log.close();
    // Without O_APPEND, the second line would go at the stream's own offset, over "another writer".
    expect(linesOf(file)).toEqual([JSON.stringify(entry(1)), "another writer", JSON.stringify(entry(2))]);
  });

  it("after logrotate moves the file, reopen() starts a new file at the path and the moved one keeps its lines", async () => {
    const rotated = `${file}.1`;
    const log = openAuditLog(file);
    log.write(entry(1));
    await landed(file, '"r/1"');
    renameSync(file, rotated);
    // Until the reopen, lines still go to the open file, wherever it now is.
    log.write(entry(2));
    await landed(rotated, '"r/2"');
    expect(existsSync(file)).toBe(false);
    expect(log.reopen()).toBe(true);
    log.write(entry(3));
    log.write(entry(4));
    await log.close();
    expect(linesOf(rotated)).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2))]);
    expect(linesOf(file)).toEqual([JSON.stringify(entry(3)), JSON.stringify(entry(4))]);
  });

  it("reopen() without a rotation goes on appending to the same file", async () => {
    const log = openAuditLog(file);
    log.write(entry(1));
    await landed(file, '"r/1"');
    log.reopen();
    log.write(entry(2));
    await log.close();
    expect(linesOf(file)).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2))]);
  });

  it("keeps lines in order across reopens, even when nothing was moved", async () => {
    const log = openAuditLog(file);
    let n = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 25; i++) log.write(entry(++n));
      log.reopen();
      log.reopen(); // a second SIGHUP while the first reopen is under way
    }
    await log.close();
    expect(linesOf(file)).toEqual(Array.from({ length: n }, (_, i) => JSON.stringify(entry(i + 1))));
  });

  it.each([
    ["in a missing directory", () => join(dir, "missing", "audit.jsonl"), /ENOENT/],
    ["that is a directory", () => dir, /EISDIR/],
  ])("throws at open for a path %s", (_, path, error) => {
    expect(() => openAuditLog(path())).toThrow(error);
  });

  it("when reopening fails (the folder was moved away), goes on writing to the file it had open, and says what to do", async () => {
    const sub = join(dir, "logs");
    mkdirSync(sub);
    const errors: Error[] = [];
    const log = openAuditLog(join(sub, "audit.jsonl"), (error) => errors.push(error));
    log.write(entry(1));
    await landed(join(sub, "audit.jsonl"), '"r/1"');
    renameSync(sub, `${sub}.old`);
    expect(log.reopen()).toBe(false);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^cannot reopen .*audit\.jsonl \(ENOENT.*\); lines go on to the file open before, where logrotate moved it, and are lost if logrotate compresses or removes that file before a SIGHUP succeeds \(use delaycompress\): let this server create files in .*logs \(its permissions\) and send SIGHUP again$/,
      ),
    ]);
    log.write(entry(2));
    await log.close();
    expect(linesOf(join(`${sub}.old`, "audit.jsonl"))).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2))]);
  });

  // Root writes through a folder's permissions, so there the chmod below stops nothing: run as another user.
  it.skipIf(process.getuid?.() === 0)(
    "when the folder became unwritable after logrotate moved the file, nothing is lost, and a later reopen resumes",
    async () => {
      const errors: Error[] = [];
      const log = openAuditLog(file, (error) => errors.push(error));
      log.write(entry(1));
      await landed(file, '"r/1"');
      renameSync(file, `${file}.1`);
      chmodSync(dir, 0o555);
      try {
        expect(log.reopen()).toBe(false);
        expect(errors[0]?.message).toMatch(/^cannot reopen .* \(EACCES: permission denied/);
        log.write(entry(2));
        await landed(`${file}.1`, '"r/2"');
      } finally {
        chmodSync(dir, 0o755);
      }
      // The operator fixed the permissions and sent SIGHUP again.
      expect(log.reopen()).toBe(true);
      log.write(entry(3));
      await log.close();
      expect(linesOf(`${file}.1`)).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2))]);
      expect(linesOf(file)).toEqual([JSON.stringify(entry(3))]);
      expect(errors).toHaveLength(1);
    },
  );
});

describe("openAuditLog to stderr", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes each line to process.stderr, and has nothing to reopen or close", async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const log = openAuditLog("stderr");
    log.write(entry(1));
    log.toolCall(record());
    expect(log.reopen()).toBe(false);
    log.write(entry(2));
    await log.close();
    expect(written).toHaveLength(3);
    expect(written.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    expect(JSON.parse(written[0] ?? "")).toEqual(entry(1));
    expect(JSON.parse(written[1] ?? "")).toMatchObject({ request_id: "req-1/7", tool: "read_file", outcome: "ok" });
    expect(JSON.parse(written[2] ?? "")).toEqual(entry(2));
    expect(existsSync("stderr")).toBe(false);
  });
});
