// The call-api prompt through a real client: live settings, credentials named by header only, clear errors for a
// bad or refused URL, and completion of the configured hosts.
import { createLogger } from "@mcp-toolkit/core";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, type TestClient } from "../../../core/test/clients.js";
import { createHttpServerFactory, type HttpServerOptions } from "../../src/server.js";
import { text as resultText, startUpstream } from "../helpers.js";

const SECRET = "sk-live-0123456789abcdef";
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function connect(options: HttpServerOptions = {}): Promise<TestClient> {
  const factory = createHttpServerFactory({
    credentials: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${TOKEN} is the credential syntax.
      "api.example.com": { Authorization: "Bearer ${TOKEN}", "X-Team": "core" },
      "*.internal.example": { "X-Key": "k-123456" },
    },
    env: { TOKEN: SECRET },
    allowHosts: ["api.example.com", "status.example.com:8443", "*.internal.example"],
    ...options,
  });
  const client = await connectClient(factory, "modern");
  cleanup.push(
    () => client.close(),
    () => factory.close(),
  );
  return client;
}

async function promptText(client: TestClient, args: Record<string, string>) {
  const result = await client.getPrompt({ name: "call-api", arguments: args });
  const [message] = result.messages;
  return { description: result.description, text: (message?.content as { text?: string } | undefined)?.text ?? "" };
}

describe("call-api", () => {
  it("names the credential headers for the host, never their values, with the live limits", async () => {
    const client = await connect({ timeoutMs: 12_000, maxResponseBytes: 65_536, rateLimit: "5/s" });
    const { description, text } = await promptText(client, {
      url: "https://api.example.com/v1/",
      goal: "list open invoices",
    });
    expect(description).toBe("Calling api.example.com: list open invoices");
    expect(text).toContain("Goal: list open invoices");
    expect(text).toContain("The server adds these headers to every request to api.example.com: authorization, x-team.");
    expect(text).toContain("within 12 s");
    expect(text).toContain("up to 65536 bytes");
    expect(text).toContain("at most 5 requests per second");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("core");
  });

  it.each([
    [
      {},
      "A 429 or 503 to GET, HEAD, PUT, DELETE or OPTIONS is already retried here (up to 2 times, when it asks to wait at most 10 s)",
    ],
    [{ maxRetries: 0 }, "A 429 or 503 is not retried here"],
  ])("tells a 429 that comes back apart from a request to fix (%o)", async (options, retried) => {
    const { text } = await promptText(await connect(options), { url: "https://api.example.com/", goal: "x" });
    expect(text).toContain("a 4xx other than 429 means fix the request (never retry it unchanged).");
    expect(text).toContain(retried);
    expect(text).toContain(
      "a 429 or 503 that reaches you means wait as long as its Retry-After says, then call again unchanged.",
    );
  });

  it("says when no credentials are sent, and when they are sent over https only", async () => {
    const client = await connect();
    const none = await promptText(client, { url: "https://status.example.com:8443/", goal: "check" });
    expect(none.text).toContain("No credentials are configured for status.example.com:8443");
    const plain = await promptText(client, { url: "http://api.example.com/", goal: "check" });
    expect(plain.text).toContain("No credentials are sent to api.example.com over plain http");
  });

  it("describes the methods a read-only server offers, and a DELETE that asks first", async () => {
    const readOnly = await promptText(await connect({ readOnly: true }), {
      url: "https://api.example.com/",
      goal: "g",
    });
    expect(readOnly.text).toContain("This server is read-only: only GET and HEAD");
    const asking = await promptText(await connect({ confirm: "destructive" }), {
      url: "https://api.example.com/",
      goal: "g",
    });
    expect(asking.text).toContain("A DELETE first asks the user");
  });

  it.each([
    [{ url: "ftp://api.example.com/", goal: "g" }, /url: unsupported scheme "ftp:"/],
    [{ url: "not a url", goal: "g" }, /url: malformed URL/],
    [
      { url: "https://elsewhere.example.org/", goal: "g" },
      /url: this server will not call it: refused: elsewhere\.example\.org is not in the allowed hosts/,
    ],
    [{ url: "https://api.example.com/", goal: "  " }, /goal: say what you want/],
    [{ url: "https://api.example.com/" }, /goal: a required argument, missing/],
  ])("refuses %j with a clear error", async (args, message) => {
    const client = await connect();
    await expect(client.getPrompt({ name: "call-api", arguments: args })).rejects.toThrow(message);
  });

  it("refuses a private address unless the server allows them", async () => {
    const client = await connect({ allowHosts: [] });
    await expect(
      client.getPrompt({ name: "call-api", arguments: { url: "http://10.0.0.8/", goal: "g" } }),
    ).rejects.toThrow(/url: this server will not call it: .*private/);
  });

  it("completes url with the configured hosts, never a wildcard", async () => {
    const client = await connect();
    const complete = async (value: string) =>
      (await client.complete({ ref: { type: "ref/prompt", name: "call-api" }, argument: { name: "url", value } }))
        .completion.values;
    expect(await complete("")).toEqual(["https://api.example.com/", "https://status.example.com:8443/"]);
    expect(await complete("https://st")).toEqual(["https://status.example.com:8443/"]);
    expect(await complete("API")).toEqual(["https://api.example.com/"]);
    expect(await complete("https://nothing")).toEqual([]);
  });

  it("completes url with no host the address policy refuses, and warns of those hosts once at start-up", async () => {
    const lines: string[] = [];
    const client = await connect({
      allowHosts: ["10.0.0.5", "localhost:3000", "[::1]:8080", "api.example.com"],
      logger: createLogger("lib", "warn", (line) => lines.push(line)),
    });
    const values = (
      await client.complete({ ref: { type: "ref/prompt", name: "call-api" }, argument: { name: "url", value: "" } })
    ).completion.values;
    expect(values).toEqual(["https://api.example.com/"]);
    for (const url of values) expect((await promptText(client, { url, goal: "g" })).text).toContain(`API: ${url}`);
    for (const url of ["http://10.0.0.5/", "http://localhost:3000/", "http://[::1]:8080/"]) {
      await expect(client.getPrompt({ name: "call-api", arguments: { url, goal: "g" } })).rejects.toThrow(/refused/);
    }
    expect(lines).toEqual([
      "[lib] warn: allowHosts lists hosts no call can reach under the current address policy (refused, and left out of url completion): localhost:3000, [::1]:8080 need allowLoopback: true; 10.0.0.5 needs allowPrivate: true\n",
    ]);
  });

  it("completes loopback hosts once loopback is allowed, and still leaves out a private one", async () => {
    const client = await connect({ allowHosts: ["10.0.0.5", "localhost:3000", "[::1]:8080"], allowLoopback: true });
    const values = (
      await client.complete({ ref: { type: "ref/prompt", name: "call-api" }, argument: { name: "url", value: "" } })
    ).completion.values;
    expect(values).toEqual(["http://[::1]:8080/", "http://localhost:3000/"]);
    for (const url of values) expect((await promptText(client, { url, goal: "g" })).text).toContain(`API: ${url}`);
  });

  it("completes a plain-http local host with http://, and that URL reaches it", async () => {
    const upstream = await startUpstream((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("up"));
    cleanup.push(upstream.close);
    const client = await connect({
      allowHosts: [`127.0.0.1:${upstream.port}`, "localhost:3000", "[::1]:443", "api.example.com", "fd00::5"],
      allowPrivate: true,
      rateLimit: "1/min",
    });
    const values = (
      await client.complete({ ref: { type: "ref/prompt", name: "call-api" }, argument: { name: "url", value: "" } })
    ).completion.values;
    expect(values).toEqual([
      `http://127.0.0.1:${upstream.port}/`,
      "http://[fd00::5]/",
      "http://localhost:3000/",
      "https://[::1]:443/",
      "https://api.example.com/",
    ]);
    const result = await client.callTool({ name: "http_get", arguments: { url: values[0] } });
    expect(resultText(result as CallToolResult)).toBe("HTTP 200 OK\ncontent-type: text/plain\n\nup");
    const { text } = await promptText(client, { url: values[0] ?? "", goal: "check" });
    expect(text).toContain("at most 1/min requests to one host");
  });
});
