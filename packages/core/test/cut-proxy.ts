// A TCP proxy on 127.0.0.1 in front of a test server, whose open connections a test can cut at once, while new ones
// go through as before: cleanly (as a proxy's read timeout does: both sides see the connection close), or half-open
// (as a dropped Wi-Fi does: the client's side closes, the server's stays open and what it writes goes nowhere).
import { connect, createServer, type Server, type Socket } from "node:net";

/** The proxy: its URL (the target's path kept), `cut()` to sever every connection open now, `close()`. */
export interface CutProxy {
  url: URL;
  /** Sever every connection through the proxy open now, `halfOpen` leaving the server's side open; returns how many. */
  cut(halfOpen?: boolean): number;
  /** GET requests answered with an event stream so far (a 2025-era client's listening stream, opened or resumed). */
  getStreams(): number;
  close(): Promise<void>;
}

/** Start a proxy on 127.0.0.1 to `target` (an http URL on 127.0.0.1). */
export async function cutProxy(target: URL): Promise<CutProxy> {
  const pairs = new Set<[Socket, Socket]>();
  /** Server sides left open by a half-open cut. */
  const stale = new Set<Socket>();
  let getStreams = 0;
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", end).on("close", end);
    outbound.on("error", end).on("close", end);
    let asked = "";
    inbound.on("data", (chunk: Buffer) => {
      asked = chunk.subarray(0, 4).toString("latin1");
    });
    outbound.on("data", (chunk: Buffer) => {
      const head = chunk.toString("latin1");
      if (asked === "GET " && head.startsWith("HTTP/1.1 200") && /content-type: text\/event-stream/i.test(head)) {
        getStreams++;
      }
    });
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");
  const url = new URL(target);
  url.port = String(address.port);
  return {
    url,
    getStreams: () => getStreams,
    cut(halfOpen = false) {
      const open = [...pairs];
      for (const pair of open) {
        const [inbound, outbound] = pair;
        if (halfOpen) {
          pairs.delete(pair);
          inbound.unpipe(outbound);
          outbound.unpipe(inbound);
          for (const socket of pair) socket.removeAllListeners("close").removeAllListeners("error");
          outbound.on("error", () => {});
          outbound.on("data", () => {}); // read and dropped, so the server's writes never stall
          stale.add(outbound);
        } else outbound.destroy();
        inbound.destroy();
      }
      return open.length;
    },
    close: async () => {
      for (const socket of stale) socket.destroy();
      for (const [inbound, outbound] of pairs) {
        inbound.destroy();
        outbound.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
