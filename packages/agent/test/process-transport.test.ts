import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProcessTransport } from "../src/process-transport.js";

function run(script: string): Promise<ProcessTransport> {
  const transport = new ProcessTransport({ command: process.execPath, args: ["-e", script], env: process.env });
  return new Promise((resolve) => {
    transport.onclose = () => resolve(transport);
    transport.spawn();
  });
}

describe("ProcessTransport stderr", () => {
  it("keeps the stderr tail bounded when a server writes megabytes without a newline", async () => {
    const t = await run(
      "const b = 'x'.repeat(65536); for (let i = 0; i < 32; i++) process.stderr.write(b); process.stderr.write('\\nfatal: bad config\\n');",
    );
    expect(t.stderrTail.at(-1)).toBe("fatal: bad config");
    expect(t.stderrTail.length).toBeLessThanOrEqual(20);
    for (const line of t.stderrTail) expect(line.length).toBeLessThanOrEqual(2001);
    await t.close();
  });

  it("clips an unterminated last line", async () => {
    const t = await run("process.stderr.write('y'.repeat(500000))");
    expect(t.stderrTail.length).toBeGreaterThan(0);
    for (const line of t.stderrTail) expect(line.length).toBeLessThanOrEqual(2001);
    await t.close();
  });
});

/** What a transport read from `script`'s stdout (messages) and reported (errors), once its process has ended. */
async function outputOf(script: string): Promise<{ messages: unknown[]; errors: string[] }> {
  const transport = new ProcessTransport({ command: process.execPath, args: ["-e", script], env: process.env });
  const messages: unknown[] = [];
  const errors: string[] = [];
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e.message);
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    transport.spawn();
  });
  await transport.close();
  return { messages, errors };
}

describe("ProcessTransport stdout", () => {
  it("answers a call whose reply is over 10 MiB with an error at once, and reads the next reply whole", async () => {
    const script = `
      const big = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "h".repeat(12 * 1024 * 1024) }] } });
      process.stdout.write(big + "\\n");
      process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: 2, result: { ok: true } }) + "\\n");`;
    const { messages, errors } = await outputOf(script);
    expect(messages).toEqual([
      {
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32603, message: expect.stringMatching(/^the server's reply was over 10 MiB/) },
      },
      { jsonrpc: "2.0", id: 2, result: { ok: true } },
    ]);
    expect(errors).toEqual(["server sent a line over 10 MiB; dropped"]);
  });
});

describe("ProcessTransport stdout, a reply that names its id last (as this toolkit's servers write it)", () => {
  it("answers its call with the error when the line ends, instead of leaving it to time out", async () => {
    const script = `
      const big = JSON.stringify({ result: { content: [{ type: "text", text: "h".repeat(11 * 1024 * 1024) }] }, jsonrpc: "2.0", id: 4 });
      process.stdout.write(big + "\\n");`;
    const { messages } = await outputOf(script);
    expect(messages).toEqual([
      {
        jsonrpc: "2.0",
        id: 4,
        error: { code: -32603, message: expect.stringMatching(/^the server's reply was over 10 MiB/) },
      },
    ]);
  });
});

describe("ProcessTransport spawn failures", () => {
  const notExecutable = join(mkdtempSync(join(tmpdir(), "agent-spawn-")), "server.mjs");
  writeFileSync(notExecutable, "console.log('never run')\n", { mode: 0o644 });
  it.each([
    ["a command that does not exist", { command: "/nonexistent/mcp-server" }, "command not found"],
    [
      "a Windows config's cmd /c",
      { command: "cmd", args: ["/c", "npx", "-y", "notes-server"] },
      `command not found; "cmd /c" is how Windows runs npx; here write "command": "npx", "args": ["-y", "notes-server"]`,
    ],
    [
      "a cwd that does not exist",
      { command: process.execPath, cwd: "/nonexistent/dir" },
      "its cwd /nonexistent/dir does not exist",
    ],
    [
      "a script without its execute bit",
      { command: notExecutable },
      `${notExecutable} cannot be run: it is not an executable file (EACCES); chmod +x it, or make its interpreter the command ("command": "node", "args": [${JSON.stringify(notExecutable)}, …])`,
    ],
  ])("%s: says so", async (_case, options, words) => {
    const transport = new ProcessTransport({ args: [], env: process.env, ...options });
    transport.onerror = () => {};
    await new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      transport.spawn();
    });
    expect(transport.exitDescription).toBe(words);
    await transport.close();
  });
});

describe("ProcessTransport close", () => {
  // Stays up after stdin closes and SIGTERM, as a server flushing its last telemetry to a slow collector does, and
  // exits by itself 1.8 s after the SIGTERM.
  const slowStop = "setInterval(() => {}, 1000); process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1800));";
  async function stop(env: Record<string, string>) {
    const transport = new ProcessTransport({ command: process.execPath, args: ["-e", slowStop], env: { ...env } });
    transport.spawn();
    await new Promise((resolve) => setTimeout(resolve, 300)); // its SIGTERM handler is in place
    await transport.close();
    return transport.exit;
  }

  it("lets a server that exports telemetry finish its last flush", async () => {
    expect(await stop({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toEqual({ code: 0, signal: null });
  }, 10_000);

  it("kills one that exports none after 1.5 s", async () => {
    expect(await stop({})).toEqual({ code: null, signal: "SIGKILL" });
  }, 10_000);
});

describe("ProcessTransport exit", () => {
  it("ends the connection when the server dies though a process it started holds its stdout open", async () => {
    // The helper inherits stdout and stderr and outlives the server, as `sh -c "helper & exec server"` leaves one.
    const server = `exec "${process.execPath}" -e "setInterval(() => {}, 1000)"`;
    const transport = new ProcessTransport({ command: "sh", args: ["-c", `sleep 30 & ${server}`], env: process.env });
    const closed = new Promise<string>((resolve) => {
      transport.onclose = () => resolve("closed");
    });
    transport.spawn();
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(transport.pid as number, "SIGKILL");
    const stillOpen = new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 5000));
    expect(await Promise.race([closed, stillOpen])).toBe("closed");
    expect(transport.exitDescription).toBe("killed by SIGKILL");
    await transport.close(); // and the helper, in its process group, with it
  }, 10_000);
});
