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
