import { describe, expect, it } from "vitest";
import {
  consentQuestion,
  isOffered,
  leavesMachine,
  needsConsent,
  type Permissions,
  readConsent,
} from "../src/permissions.js";

const local = { readOnlyHint: true, openWorldHint: false };
const tools = {
  "a local read (read_file)": { annotations: local },
  "a local write (write_file)": { annotations: { readOnlyHint: false, openWorldHint: false } },
  "a read that reaches out (http_get)": { annotations: { readOnlyHint: true, openWorldHint: true } },
  "a write that reaches out (http_post)": { annotations: { readOnlyHint: false, openWorldHint: true } },
  // openWorldHint defaults to true in MCP: a server that does not say may reach out.
  "a read without openWorldHint": { annotations: { readOnlyHint: true } },
  "an unannotated tool": {},
};
type Tool = keyof typeof tools;
const all: Permissions = { readOnly: false, ask: false };
const readOnly: Permissions = { readOnly: true, ask: false };
const ask: Permissions = { readOnly: false, ask: true };
const both: Permissions = { readOnly: true, ask: true };

describe("permissions", () => {
  it.each<[Tool, string, Permissions, boolean, boolean, boolean]>([
    // tool, flags, permissions, fenced by --allow-hosts, offered, asks
    ["a local read (read_file)", "default", all, false, true, false],
    ["a local write (write_file)", "default", all, false, true, false],
    ["a read that reaches out (http_get)", "default", all, false, true, false],
    ["a local read (read_file)", "--read-only", readOnly, false, true, false],
    ["a local write (write_file)", "--read-only", readOnly, false, false, false],
    ["a read that reaches out (http_get)", "--read-only", readOnly, false, false, false],
    ["a read that reaches out (http_get)", "--read-only --allow-hosts", readOnly, true, true, false],
    ["a write that reaches out (http_post)", "--read-only --allow-hosts", readOnly, true, false, false],
    ["a read without openWorldHint", "--read-only", readOnly, false, false, false],
    ["an unannotated tool", "--read-only", readOnly, false, false, false],
    ["a local read (read_file)", "--ask", ask, false, true, false],
    ["a local write (write_file)", "--ask", ask, false, true, true],
    ["a read that reaches out (http_get)", "--ask", ask, false, true, true],
    ["a read that reaches out (http_get)", "--ask --allow-hosts", ask, true, true, true],
    ["a read without openWorldHint", "--ask", ask, false, true, true],
    ["an unannotated tool", "--ask", ask, false, true, true],
    ["a read that reaches out (http_get)", "--read-only --ask --allow-hosts", both, true, true, true],
    ["a local read (read_file)", "--read-only --ask", both, false, true, false],
  ])("%s, %s: offered %s, asks %s", (tool, _flags, permissions, fenced, offered, asks) => {
    expect(isOffered(tools[tool], permissions, { fenced })).toBe(offered);
    expect(needsConsent(tools[tool], permissions)).toBe(asks);
  });

  it.each<[Tool, string, Permissions, boolean, boolean]>([
    // A remote server's tool, whatever its annotations: fenced or not, its arguments go to the server's host.
    // tool, flags, permissions, fenced, asks (offered: never under --read-only)
    ["a local read (read_file)", "--read-only", readOnly, false, false],
    ["a local read (read_file)", "--read-only --allow-hosts", readOnly, true, false],
    ["a local read (read_file)", "--ask", ask, false, true],
    ["a local read (read_file)", "--read-only --ask", both, true, true],
    ["a local write (write_file)", "--ask", ask, false, true],
    ["a local read (read_file)", "default", all, false, false],
  ])("%s on a remote server, %s: asks %s", (tool, _flags, permissions, fenced, asks) => {
    const reach = { fenced, remoteHost: "team.example:8443" };
    expect(isOffered(tools[tool], permissions, reach)).toBe(!permissions.readOnly);
    expect(needsConsent(tools[tool], permissions, reach)).toBe(asks);
    expect(leavesMachine(tools[tool], reach)).toBe(true);
  });

  it("a remote server's call names the server's host, whatever its arguments say", () => {
    const q = consentQuestion(
      "team__execute_query",
      { sql: "SELECT 1", url: "https://elsewhere.example/" },
      undefined,
      {
        leavesMachine: true,
        remoteHost: "team.example:8443",
      },
    );
    expect(q).toBe(
      'team__execute_query → team.example:8443 (a remote server: data leaves this machine) {"sql":"SELECT 1","url":"https://elsewhere.example/"}',
    );
    const local = consentQuestion("dev__run", {}, undefined, { leavesMachine: true, remoteHost: "127.0.0.1:3000" });
    expect(local).toBe("dev__run → 127.0.0.1:3000 (a server on this machine, reached by URL) {}");
  });

  it.each([
    ["y", "yes"],
    ["Yes", "yes"],
    [" y ", "yes"],
    ["n", "no"],
    ["NO", "no"],
    ["", "no"],
    ["a", "always"],
    ["Always", "always"],
    ["yep", undefined],
    ["sure", undefined],
    ["ya", undefined],
  ])("readConsent(%j) = %s", (answer, consent) => {
    expect(readConsent(answer)).toBe(consent);
  });

  it("shows declared arguments first and clips every value, so padding cannot hide the path", () => {
    const schema = { type: "object", properties: { path: {}, content: {} } };
    const q = consentQuestion(
      "file__write_file",
      { padding: "x".repeat(5000), content: "y".repeat(300), path: "../../.bashrc" },
      schema,
    );
    expect(q.startsWith('file__write_file {"path":"../../.bashrc","content":"yyy')).toBe(true);
    expect(q).toContain("… (300 chars)");
    expect(q).toContain("… (5000 chars)");
    expect(q.length).toBeLessThan(600);
    expect(consentQuestion("t", { text: "x" }, undefined)).toBe('t {"text":"x"}');
  });

  const http = { type: "object", properties: { method: {}, url: {}, headers: {}, params: {} } };
  const away = "data leaves this machine";
  const here = "a service on this machine";
  it.each([
    ["a plain URL", { url: "https://example.com/a?d=1" }, "example.com", away],
    [
      "a familiar name as the user before '@'",
      { url: "https://api.github.com@evil.example/?d=s3cret" },
      "evil.example",
      away,
    ],
    ["a password and a port", { url: "http://u:p@evil.example:8443/" }, "evil.example:8443", away],
    ["a look-alike international name, as punycode", { url: "https://gіthub.com/" }, "xn--gthub-n2e.com", away],
    ["an IPv6 literal", { url: "http://[2001:db8::1]:9/" }, "[2001:db8::1]:9", away],
    ["a URL that does not parse", { url: "evil.example/x" }, "(not a URL)", away],
    ["loopback (--allow-loopback)", { url: "http://127.0.0.1:8080/x" }, "127.0.0.1:8080", here],
    ["IPv6 loopback", { url: "http://[::1]:9/" }, "[::1]:9", here],
    ["localhost", { url: "http://LOCALHOST/" }, "localhost", here],
    [
      "a name that only starts like loopback",
      { url: "http://127.0.0.1.evil.example/" },
      "127.0.0.1.evil.example",
      away,
    ],
  ])("a call that leaves the machine names the host first: %s", (_case, input, host, where) => {
    const q = consentQuestion("api__http_get", { params: { pad: "x".repeat(5000) }, ...input }, http, {
      leavesMachine: true,
    });
    expect(q.startsWith(`api__http_get → ${host} (${where}) {"url":`)).toBe(true);
    expect(q.length).toBeLessThan(600);
  });

  it("shows the method of a call that leaves the machine, and says so when there is no URL to name", () => {
    expect(
      consentQuestion("api__http_request", { url: "https://h.example/", method: "POST" }, http, {
        leavesMachine: true,
      }),
    ).toBe(
      'api__http_request POST → h.example (data leaves this machine) {"method":"POST","url":"https://h.example/"}',
    );
    expect(consentQuestion("web__search", { q: "s3cret" }, undefined, { leavesMachine: true })).toBe(
      'web__search (data may leave this machine) {"q":"s3cret"}',
    );
  });
});
