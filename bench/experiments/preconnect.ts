/**
 * Does a preconnect leave a socket that Node's fetch reuses? A local server counts connections while fetch makes a
 * preconnect request (none, HEAD or GET, body read) to the origin and then three POSTs 20 ms apart, like an agent's
 * first turns. One connection means the preconnected socket was reused.
 *   pnpm exec tsx bench/experiments/preconnect.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

async function connectionsAfter(preconnect: "none" | "HEAD" | "GET"): Promise<number> {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = req.url === "/" ? '{"type":"error"}' : "{}";
      res.writeHead(req.url === "/" ? 404 : 200, {
        "content-type": "application/json",
        "content-length": String(body.length),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    if (preconnect !== "none") await (await fetch(`${origin}/`, { method: preconnect })).text();
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await (await fetch(`${origin}/v1/messages`, { method: "POST", body: "{}" })).text();
    }
    return connections;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

for (const preconnect of ["none", "HEAD", "GET"] as const) {
  process.stdout.write(
    `preconnect ${preconnect.padEnd(4)} then 3 POSTs → ${await connectionsAfter(preconnect)} connection(s)\n`,
  );
}
