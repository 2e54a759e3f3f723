import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useServers } from "../../core/test/built-server.js";
import { STOPPED_CALLS } from "../../core/test/shutdown-call.js";
import { startUpstream, type Upstream } from "./helpers.js";

// The shipped server over stateless HTTP, stopped (SIGTERM, as a rolling restart sends it) while an http_get waits
// past the drain deadline — for an upstream that never answers, or to retry one that asked for 8 s — is answered
// that the server is shutting down, in either protocol era, so its client can retry on another replica.

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const start = useServers(DIST);

/** What the fetcher says of a request it stopped, naming it, rather than core's answer for any tool. */
const SHUTTING_DOWN =
  /^GET 127\.0\.0\.1:\d+ was stopped: the server is shutting down; call again \(another instance may answer\)$/;

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === "/busy") return void res.writeHead(503, { "retry-after": "8" }).end("busy");
    // /hang: headers never come (the request stays open until the connection closes).
  });
});
afterAll(() => upstream.close());

describe("an http_get still waiting when the server stops", () => {
  describe.each(STOPPED_CALLS)("for %s", (_, call) => {
    it.each([
      ["for an answer", "/hang"],
      ["to retry", "/busy"],
    ])(
      "%s is answered that the server is shutting down",
      async (_, path) => {
        const allow = ["--allow-private", "--allow-hosts", `127.0.0.1:${upstream.port}`, "--timeout-ms", "60000"];
        const server = await start("bin", "http", allow);
        const result = await call(server, "http_get", { url: `${upstream.origin}${path}` });
        expect(result).toMatchObject({
          isError: true,
          content: [{ type: "text", text: expect.stringMatching(SHUTTING_DOWN) }],
        });
      },
      60_000,
    );
  });
});
