import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, startUpstream, text, type Upstream } from "./helpers.js";

// The body budget end to end: a real client, a real upstream on 127.0.0.1. The server may hold 1000 body bytes for
// all calls at once; a call that holds 600 while its body trickles makes the calls that need more room wait their
// turn, in order, and a waiting call that is cancelled gives up its place in the line.

let upstream: Upstream;
/** Bodies the upstream has begun and holds open, by path, until the test finishes them. */
const held = new Map<string, ServerResponse>();
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const path = req.url ?? "";
    const [, kind, size] = path.split("/");
    if (kind === "hold") {
      // Content-Length 600: the call sets 600 bytes aside, then holds them while the rest does not come.
      res.writeHead(200, { "content-type": "text/plain", "content-length": size });
      res.write("a");
      held.set(path, res);
    } else if (kind === "sized") {
      res.writeHead(200, { "content-type": "text/plain", "content-length": size }).end("s".repeat(Number(size)));
    } else {
      // No Content-Length: the call must set aside the most it may read, the whole 1000.
      res.writeHead(200, { "content-type": "text/plain" }).end("unsized answer");
    }
  });
});
afterAll(() => upstream.close());

/** Finish a held body. */
function finish(path: string) {
  held.get(path)?.end("a".repeat(599));
}

/** A call whose progress messages are watched: `reached(text)` resolves once one contains `text`. */
function watchedCall(server: Awaited<ReturnType<typeof connect>>, path: string, signal?: AbortSignal) {
  const messages: string[] = [];
  const waiters: [string, () => void][] = [];
  const result = server.client.callTool(
    { name: "http_get", arguments: { url: `${upstream.origin}${path}` } },
    {
      ...(signal && { signal }),
      onprogress: ({ message = "" }) => {
        messages.push(message);
        for (const [wanted, resolve] of waiters) if (message.includes(wanted)) resolve();
      },
    },
  );
  const reached = (wanted: string) =>
    new Promise<void>((resolve) => {
      if (messages.some((message) => message.includes(wanted))) resolve();
      else waiters.push([wanted, resolve]);
    });
  return { result, reached };
}

const budget = { allowLoopback: true, maxResponseBytes: 1000, maxBufferedBytes: 1000, timeoutMs: 25_000 };

describe("the body budget shared by all calls in flight", () => {
  it("makes a call that needs more room than is left wait its turn, then answers it in full", async () => {
    const server = await connect(budget);
    try {
      const holder = watchedCall(server, "/hold/600/a");
      await holder.reached("reading the response body (1 bytes received");
      const unsized = watchedCall(server, "/unsized/b");
      await unsized.reached("waiting for room to read the body");
      finish("/hold/600/a");
      const [first, second] = await Promise.all([holder.result, unsized.result]);
      expect(first.isError, text(first as never)).toBeFalsy();
      expect(text(first as never)).toContain("a".repeat(600));
      expect(second.isError, text(second as never)).toBeFalsy();
      expect(text(second as never)).toContain("unsized answer");
    } finally {
      await server.close();
    }
  }, 30_000);

  it("lets the calls behind a waiting call on when that call is cancelled", async () => {
    const server = await connect(budget);
    try {
      const holder = watchedCall(server, "/hold/600/c");
      await holder.reached("reading the response body (1 bytes received");
      const cancelling = new AbortController();
      const large = watchedCall(server, "/unsized/d", cancelling.signal);
      await large.reached("waiting for room to read the body");
      // 300 bytes would fit beside the 600 held, but first come, first served: it waits behind the large call.
      const small = watchedCall(server, "/sized/300/e");
      await small.reached("waiting for room to read the body");
      cancelling.abort();
      await expect(large.result).rejects.toThrow();
      // Answered while the holder still holds its 600: the cancelled call's place went to it. Had it not, it would
      // wait out its 25 s time limit, past this test's own.
      const answered = await small.result;
      expect(answered.isError, text(answered as never)).toBeFalsy();
      expect(text(answered as never)).toContain("s".repeat(300));
      finish("/hold/600/c");
      expect(text((await holder.result) as never)).toContain("a".repeat(600));
    } finally {
      await server.close();
    }
  }, 30_000);

  it("says a body its time limit cut after it waited for room waited, not that the upstream was still sending", async () => {
    const server = await connect({ ...budget, timeoutMs: 5000 });
    try {
      const holder = watchedCall(server, "/hold/600/f");
      await holder.reached("reading the response body (1 bytes received");
      // Its body, too, comes one byte and then no more: the time limit cuts it, after its wait for room.
      const waiting = watchedCall(server, "/hold/600/g");
      await waiting.reached("waiting for room to read the body");
      finish("/hold/600/f");
      expect(text((await holder.result) as never)).toContain("a".repeat(600));
      const cut = text((await waiting.result) as never);
      expect(cut).toMatch(/after 1 bytes, having waited \d+ ms of it for room to read the body \(the body bytes all/);
      expect(cut).not.toContain("the upstream was still sending");
    } finally {
      finish("/hold/600/g");
      await server.close();
    }
  }, 30_000);
});
