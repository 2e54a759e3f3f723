// A port that cannot be opened, said in the bin's terms: which setting chose it, and what to do. The port in use is
// real (a listener this test opens on 127.0.0.1); other causes, which need another user or machine, by their codes.

import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli, UsageError } from "../src/cli-options.js";
import { listenFailure } from "../src/listen-failure.js";
import { createLogger } from "../src/logger.js";
import { openAccess } from "../src/open-access.js";
import { serveTransport } from "../src/serve-transport.js";
import { SERVER_OPTIONS } from "../src/server-flags.js";
import { selectTransport } from "../src/server-options.js";
import { echoFactory } from "./fixtures.js";

const TOKEN = "a-long-enough-shared-token-for-tests-0123456789";
const held: Server[] = [];
afterEach(async () => {
  for (const server of held.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A port something else already listens on. */
async function takenPort(): Promise<number> {
  const server = createServer();
  held.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Serve as a bin would, from its argv. */
async function serveWith(argv: string[]) {
  const env = { MCP_AUTH_TOKEN: TOKEN };
  const transport = selectTransport(
    parseCli({ name: "srv", summary: "t", options: SERVER_OPTIONS }, argv, env).values,
    env,
  );
  if (transport.kind !== "http") throw new Error("expected http");
  const logger = createLogger("test", "silent");
  const access = await openAccess(transport.access, logger);
  return serveTransport(transport, echoFactory(), {
    audit: undefined,
    access,
    logger,
    version: "1",
    options: SERVER_OPTIONS,
  });
}

describe("a port that cannot be opened", () => {
  it("names --port when the MCP port is in use", async () => {
    const port = await takenPort();
    const serving = serveWith(["--transport", "http", "--port", String(port)]);
    await expect(serving).rejects.toBeInstanceOf(UsageError);
    await expect(serving).rejects.toThrow(
      `port ${port} (--port, MCP_PORT) is already in use on 127.0.0.1: stop what listens there or choose another --port`,
    );
  });

  it("names --metrics-port when the metrics port is in use", async () => {
    const port = await takenPort();
    const serving = serveWith(["--transport", "http", "--port", "0", "--metrics-port", String(port)]);
    await expect(serving).rejects.toThrow(
      `port ${port} (--metrics-port, MCP_METRICS_PORT) is already in use on 127.0.0.1: stop what listens there or choose another --metrics-port`,
    );
  });

  it("closes the metrics listener it opened when the MCP port then fails", async () => {
    const port = await takenPort();
    const free = await takenPort();
    await new Promise((resolve) => (held.pop() as Server).close(resolve));
    await expect(
      serveWith(["--transport", "http", "--port", String(port), "--metrics-port", String(free)]),
    ).rejects.toThrow(/--port/);
    const again = await serveWith(["--transport", "http", "--port", "0", "--metrics-port", String(free)]);
    expect(again.metrics?.url?.port).toBe(String(free));
    await again.http?.close();
    await again.metrics?.close();
  });

  it.each([
    ["EACCES", /^port 80 \(--port, MCP_PORT\) needs privileges .*choose a --port of 1024 or more/],
    ["EADDRNOTAVAIL", /^--host 10\.9\.9\.9 \(MCP_HOST\) is not an address of this machine, so port 80/],
    ["ENOTFOUND", /^--host 10\.9\.9\.9 \(MCP_HOST\) is a name that does not resolve, so port 80 .*give an address/],
    ["EAI_AGAIN", /^--host 10\.9\.9\.9 \(MCP_HOST\) is a name that does not resolve now \(the resolver/],
  ])("explains %s", (code, message) => {
    const error = Object.assign(new Error(`listen ${code}`), { code });
    const said = listenFailure(error, 80, "10.9.9.9", { flag: "--port", env: "MCP_PORT" });
    expect(said).toBeInstanceOf(UsageError);
    expect((said as Error).message).toMatch(message);
  });

  it("passes any other failure on as it came", () => {
    const error = Object.assign(new Error("boom"), { code: "EMFILE" });
    expect(listenFailure(error, 80, "127.0.0.1", { flag: "--port" })).toBe(error);
  });
});
