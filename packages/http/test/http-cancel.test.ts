import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { abortModernCall, dropLegacyCall } from "../../core/test/cancel.js";
import { startUpstream, text, type Upstream } from "./helpers.js";

// The shipped server over stateless HTTP: a slow download stops when its client cancels it, in either protocol era,
// and the upstream sees its connection closed.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);

let upstream: Upstream;
/** How many /slow requests' connections have closed, as the upstream saw it. */
let closed = 0;
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url !== "/slow") return void res.writeHead(200, { "content-type": "text/plain" }).end("fast");
    // A body that trickles a byte every 100 ms for a minute.
    res.writeHead(200, { "content-type": "text/plain" });
    const timer = setInterval(() => res.write("."), 100);
    res.on("close", () => {
      clearInterval(timer);
      closed++;
    });
  });
});
afterAll(() => upstream.close());

describe("a slow download over HTTP, cancelled", () => {
  it.each([
    ["a 2026-07-28 client aborts it", abortModernCall],
    ["a 2025-era client drops the connection", dropLegacyCall],
  ])(
    "stops when %s: the upstream sees the connection closed",
    async (_, cancel) => {
      const allow = ["--allow-private", "--allow-hosts", `127.0.0.1:${upstream.port}`, "--timeout-ms", "60000"];
      const server = await start("bin", "http", allow);
      const { url, token } = server as Required<typeof server>;
      const before = closed;
      await cancel(url, token, "http_get", { url: `${upstream.origin}/slow` }, 500);
      // Uncancelled, the body trickles on until the 60 s --timeout-ms, long past this wait and the test's own limit.
      await expect.poll(() => closed, { timeout: 10_000 }).toBe(before + 1);
      // And the next call goes through at once.
      expect(text(await server.call("http_get", { url: `${upstream.origin}/fast` }))).toContain("fast");
    },
    60_000,
  );
});
