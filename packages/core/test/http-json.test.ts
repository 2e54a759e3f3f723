import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { answerHasBody, countBytes, httpErrorReason } from "../src/http-json.js";

describe("countBytes", () => {
  /** Answer one request on 127.0.0.1 with `answer`, and what countBytes saw once the response closed. */
  async function counted(answer: (res: ServerResponse) => void, method = "GET") {
    let seen: { bytes: number; head: string } | undefined;
    const server = createServer((_req, res) => {
      const count = countBytes(res);
      res.once("close", () => {
        seen = { bytes: count.bytes(), head: count.head() };
      });
      answer(res);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const body = Buffer.from(await (await fetch(`http://127.0.0.1:${port}/`, { method })).arrayBuffer());
    await new Promise((resolve) => server.close(resolve));
    return { body, seen };
  }

  it("counts every byte written, strings and buffers, and keeps the start of the answer", async () => {
    const { body, seen } = await counted((res) => {
      res.write('{"error":{"message":"é');
      res.write(Buffer.from("x".repeat(100_000)));
      res.end("é".repeat(50_000));
    });
    expect(seen?.bytes).toBe(body.byteLength);
    expect(body.byteLength).toBe(23 + 100_000 + 100_000);
    expect(seen?.head.startsWith('{"error":{"message":"éxxx')).toBe(true);
    expect(Buffer.byteLength(seen?.head ?? "")).toBe(2048);
  });

  it("counts none of a HEAD's answer, whose body Node does not send, and keeps its start for the reason", async () => {
    const { body, seen } = await counted((res) => res.writeHead(405).end('{"error":{"message":"no"}}'), "HEAD");
    expect(body.byteLength).toBe(0);
    expect(seen).toEqual({ bytes: 0, head: '{"error":{"message":"no"}}' });
  });

  it("keeps at least 2,048 bytes of a string of wide characters, and no more than four times that", async () => {
    const { seen } = await counted((res) => res.end("€".repeat(10_000)));
    expect(seen?.bytes).toBe(30_000);
    const kept = Buffer.byteLength(seen?.head ?? "");
    expect(kept).toBeGreaterThanOrEqual(2048);
    expect(kept).toBeLessThanOrEqual(4 * 2048);
  });
});

describe("answerHasBody", () => {
  it.each([
    ["GET", true],
    ["POST", true],
    ["DELETE", true],
    ["HEAD", false],
    [undefined, true],
  ])("%s: %s", (method, has) => {
    expect(answerHasBody({ method })).toBe(has);
  });
});

describe("httpErrorReason", () => {
  it.each([
    [
      429,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Too many sessions: 2 open"}}',
      "HTTP 429: Too many sessions: 2 open",
    ],
    [
      404,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}',
      "HTTP 404: Session not found",
    ],
    [
      406,
      '{"error":{"message":"Not Acceptable: Client must accept both"},"id":null}',
      "HTTP 406: Not Acceptable: Client must accept both",
    ],
    [405, "", "HTTP 405"],
    [502, "<html>Bad Gateway</html>", "HTTP 502"],
    [400, '{"error":{"message":""}}', "HTTP 400"],
    [400, '{"error":{"message":42}}', "HTTP 400"],
    [400, '{"error":"text"}', "HTTP 400"],
    [400, "null", "HTTP 400"],
    [400, '{"error":{"message":"cut off in the mid', "HTTP 400"],
    [500, "event: message\ndata: {}", "HTTP 500"],
  ])("reads %i with %j as %j", (status, head, reason) => {
    expect(httpErrorReason(status, head)).toBe(reason);
  });
});
