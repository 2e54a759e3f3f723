import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, deflateRawSync, deflateSync, gunzipSync, gzipSync } from "node:zlib";
import { parseRateLimit } from "@mcp-toolkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { resolveCredentials } from "../src/credentials.js";
import { FetchError } from "../src/fetch-errors.js";
import type { FetcherOptions } from "../src/fetch-request.js";
import { createFetcher } from "../src/fetcher.js";
import { startUpstream, type Upstream } from "./helpers.js";

const base: FetcherOptions = {
  allowHosts: [],
  allowPrivate: true,
  timeoutMs: 5000,
  maxResponseBytes: 1024 * 1024,
  maxRedirects: 5,
  maxRetries: 2,
  maxRetryWaitMs: 10_000,
  rateLimit: null,
  credentials: { rules: [], secrets: [] },
};

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function upstream(...args: Parameters<typeof startUpstream>): Promise<Upstream> {
  const u = await startUpstream(...args);
  cleanup.push(u.close);
  return u;
}

function fetcher(options: Partial<FetcherOptions> = {}) {
  const f = createFetcher({ ...base, ...options });
  cleanup.push(() => f.close());
  return f;
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error("expected the fetch to fail");
}

/** A resolver with fixed answers, standing in for DNS; names not in the table fail as ENOTFOUND. */
function resolver(table: Record<string, string>): NonNullable<FetcherOptions["lookup"]> {
  return ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
    const address = table[hostname];
    if (!address) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
      return;
    }
    callback(null, [{ address, family: address.includes(":") ? 6 : 4 }]);
  }) as NonNullable<FetcherOptions["lookup"]>;
}

const get = (url: string) => ({ method: "GET", url: new URL(url), headers: {} });

describe("address check at connect time", () => {
  it.each([
    (port: number) => `http://127.0.0.1:${port}/`,
    (port: number) => `http://2130706433:${port}/`,
    (port: number) => `http://0x7f000001:${port}/`,
    (port: number) => `http://127.1:${port}/`,
    (port: number) => `http://[::ffff:127.0.0.1]:${port}/`,
    (port: number) => `http://localhost.:${port}/`,
  ])("refuses loopback spelling %# by default and the upstream receives nothing", async (spell) => {
    const u = await upstream((_req, res) => res.end("hi"));
    const error = await failure(fetcher({ allowPrivate: false }).fetch(get(spell(u.port))));
    expect(error.kind).toBe("refused");
    expect(error.message).toMatch(
      /loopback address; the server's operator can allow loopback alone with allowLoopback: true/,
    );
    expect(u.connections).toBe(0);
    expect(u.seen).toHaveLength(0);
  });

  it("refuses a name that resolves to loopback inside the DNS lookup, before any connection", async () => {
    const u = await upstream((_req, res) => res.end("hi"));
    // "localhost" is refused by name first; the fetcher's own lookup is what stops names we cannot judge by spelling.
    const f = fetcher({ allowPrivate: false });
    const error = await failure(f.fetch(get(`http://localhost:${u.port}/`)));
    expect(error.message).toMatch(/^refused: localhost is a loopback address/);
    expect(u.connections).toBe(0);
  });

  it("checks the address a name resolves to at connect time, so a name rebound to loopback sends nothing", async () => {
    const u = await upstream((_req, res) => res.end("internal"));
    const f = fetcher({ allowPrivate: false, lookup: resolver({ "api.example.test": "127.0.0.1" }) });
    const error = await failure(f.fetch(get(`http://api.example.test:${u.port}/`)));
    expect(error.kind).toBe("refused");
    expect(error.message).toBe(
      "refused: api.example.test resolves to 127.0.0.1, a loopback address; the server's operator can allow loopback alone with allowLoopback: true",
    );
    expect(u.connections).toBe(0);
  });

  it("refuses when any resolved address is refused, even if another is allowed", async () => {
    const lookup = ((_h: string, _o: unknown, cb: (...args: unknown[]) => void) =>
      cb(null, [
        { address: "93.184.216.34", family: 4 },
        { address: "169.254.169.254", family: 4 },
      ])) as NonNullable<FetcherOptions["lookup"]>;
    const error = await failure(fetcher({ allowPrivate: false, lookup }).fetch(get("http://mixed.example.test/")));
    expect(error.message).toContain("resolves to 169.254.169.254, a link-local address");
  });

  it("reports a DNS failure by name", async () => {
    const error = await failure(fetcher({ lookup: resolver({}) }).fetch(get("http://no-such-host.test/")));
    expect(error.kind).toBe("dns");
    expect(error.message).toBe("DNS lookup failed for no-such-host.test (ENOTFOUND); check the host name");
  });

  it("connects to a resolved name when allowed, sending its Host header", async () => {
    const u = await upstream((req, res) => res.end(`host ${req.headers.host}`));
    const f = fetcher({ lookup: resolver({ "svc.example.test": "127.0.0.1" }) });
    const response = await f.fetch(get(`http://svc.example.test:${u.port}/`));
    expect(response.body.toString()).toBe(`host svc.example.test:${u.port}`);
  });

  it.each(["app.localhost", "API.Dev.LOCALHOST.", "localhost"])(
    "with allowLoopback, connects %s to this host's loopback without asking DNS",
    async (name) => {
      const u = await upstream((req, res) => res.end(`host ${req.headers.host}`));
      // A resolver that knows no name: a *.localhost name must not depend on DNS knowing it (RFC 6761).
      const f = fetcher({ allowPrivate: false, allowLoopback: true, lookup: resolver({}) });
      const response = await f.fetch(get(`http://${name}:${u.port}/`));
      expect(response.body.toString()).toBe(`host ${name.toLowerCase()}:${u.port}`);
    },
  );

  it("fetches loopback when allowPrivate is set, over IPv4 and IPv6", async () => {
    const v4 = await upstream((_req, res) => res.end("four"));
    const v6 = await upstream((_req, res) => res.end("six"), "::1");
    const f = fetcher();
    expect((await f.fetch(get(`${v4.origin}/`))).body.toString()).toBe("four");
    expect((await f.fetch(get(`${v6.origin}/`))).body.toString()).toBe("six");
  });

  it("reuses one keep-alive connection across calls", async () => {
    const u = await upstream((_req, res) => res.end("ok"));
    const f = fetcher();
    for (let i = 0; i < 5; i++) await f.fetch(get(`${u.origin}/${i}`));
    expect(u.seen).toHaveLength(5);
    expect(new Set(u.seen.map((s) => s.remotePort)).size).toBe(1);
    expect(u.connections).toBe(1);
  });
});

describe("allowlist and redirects", () => {
  it("refuses a host outside the allowlist without sending", async () => {
    const u = await upstream((_req, res) => res.end("hi"));
    const error = await failure(fetcher({ allowHosts: ["api.example.com"] }).fetch(get(`${u.origin}/`)));
    expect(error.message).toContain("is not in the allowed hosts (api.example.com)");
    expect(u.connections).toBe(0);
  });

  it("follows redirects within the allowlist", async () => {
    const u = await upstream((req, res) => {
      if (req.url === "/start") res.writeHead(302, { location: "/end" }).end();
      else res.end(`at ${req.url}`);
    });
    const response = await fetcher({ allowHosts: [`127.0.0.1:${u.port}`] }).fetch(get(`${u.origin}/start`));
    expect(response.body.toString()).toBe("at /end");
    expect(response.redirects).toBe(1);
    expect(response.url).toBe(`${u.origin}/end`);
  });

  it("sends nothing to a redirect target outside the allowlist", async () => {
    const target = await upstream((_req, res) => res.end("secret"), "::1");
    const origin = await upstream((_req, res) => res.writeHead(302, { location: `${target.origin}/x` }).end());
    const f = fetcher({ allowHosts: [`127.0.0.1:${origin.port}`] });
    const error = await failure(f.fetch(get(`${origin.origin}/`)));
    expect(error.kind).toBe("refused");
    expect(error.message).toContain(`redirect to ${target.origin}/x refused`);
    expect(origin.seen).toHaveLength(1);
    expect(target.connections).toBe(0);
  });

  it("sends nothing to a redirect target on a refused address", async () => {
    const origin = await upstream((_req, res) =>
      res.writeHead(307, { location: "http://169.254.169.254/latest/" }).end(),
    );
    const f = fetcher({ allowHosts: [`127.0.0.1:${origin.port}`], allowPrivate: true });
    // allowPrivate opens link-local too, so use the allowlist to refuse; the metadata address is never dialled either way.
    const error = await failure(f.fetch(get(`${origin.origin}/`)));
    expect(error.message).toContain("redirect to http://169.254.169.254/latest/ refused");
  });

  it.each([
    ["waiting for its headers", (res: import("node:http").ServerResponse) => void res],
    ["reading its body", (res: import("node:http").ServerResponse) => res.writeHead(200).write("part")],
  ])(
    "says a request cut as the server stops (%s) was stopped by that, not cancelled by the client",
    async (_, start) => {
      const u = await upstream((_req, res) => start(res));
      const f = createFetcher({ ...base });
      const call = failure(f.fetch(get(`${u.origin}/slow`)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await f.close();
      const stopped = await call;
      expect(stopped.kind).toBe("connection");
      expect(stopped.message).toMatch(
        /^GET 127\.0\.0\.1:\d+ was stopped( after 4 body bytes)?: the server is shutting down; call again/,
      );
    },
  );

  it("names the redirect target, not the first host, when the hop it redirected to fails", async () => {
    const closed = await startUpstream((_req, res) => res.end());
    await closed.close();
    const u = await upstream((req, res) => {
      const to = req.url === "/dns" ? "http://nowhere.invalid/x" : `http://127.0.0.1:${closed.port}/gone`;
      res.writeHead(302, { location: to }).end();
    });
    const f = fetcher({ lookup: resolver({}) });
    const refused = await failure(f.fetch(get(`${u.origin}/refused`)));
    expect(refused.kind).toBe("connection");
    expect(refused.message).toBe(
      `connection refused by 127.0.0.1:${closed.port}: nothing is listening there (at http://127.0.0.1:${closed.port}/gone, reached by 1 redirect from ${u.origin}/refused)`,
    );
    const dns = await failure(f.fetch(get(`${u.origin}/dns`)));
    expect(dns.kind).toBe("dns");
    expect(dns.message).toMatch(
      /^DNS lookup failed for nowhere\.invalid \(ENOTFOUND\); check the host name \(at http:\/\/nowhere\.invalid\/x, reached by 1 redirect from /,
    );
  });

  it("does not follow a redirect to a URL with a user:password part, nor show the password", async () => {
    const u = await upstream((req, res) => {
      if (req.url === "/start") res.writeHead(302, { location: `http://admin:s3cret-pw@127.0.0.1:${u.port}/in` }).end();
      else res.end(`at ${req.url}`);
    });
    const error = await failure(fetcher().fetch(get(`${u.origin}/start`)));
    expect(error.kind).toBe("redirect");
    expect(error.message).toBe(
      `${u.origin}/start redirected to ${u.origin}/in with a user:password part in the URL, which this tool never sends, so the redirect was not followed; request ${u.origin}/in itself, with an Authorization header if it needs credentials`,
    );
    expect(u.seen.map((s) => s.url)).toEqual(["/start"]);
  });

  it("stops after maxRedirects", async () => {
    const u = await upstream((req, res) => res.writeHead(302, { location: `/${Number(req.url?.slice(1)) + 1}` }).end());
    const error = await failure(fetcher({ maxRedirects: 3 }).fetch(get(`${u.origin}/0`)));
    expect(error.kind).toBe("redirect");
    expect(error.message).toContain("too many redirects: stopped after 3");
    expect(u.seen).toHaveLength(4);
  });

  it("returns the redirect itself when maxRedirects is 0", async () => {
    const u = await upstream((_req, res) => res.writeHead(302, { location: "/elsewhere" }).end());
    const response = await fetcher({ maxRedirects: 0 }).fetch(get(`${u.origin}/`));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/elsewhere");
    expect(u.seen).toHaveLength(1);
  });

  it("turns POST into GET on 303 and drops Authorization across origins", async () => {
    const other = await upstream((_req, res) => res.end("done"), "::1");
    const u = await upstream((_req, res) => res.writeHead(303, { location: `${other.origin}/after` }).end());
    await fetcher().fetch({
      method: "POST",
      url: new URL(`${u.origin}/form`),
      headers: { authorization: "Bearer model-given", "content-type": "application/json" },
      body: "{}",
    });
    expect(other.seen[0]?.method).toBe("GET");
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
    expect(other.seen[0]?.body).toBe("");
  });

  it.each([
    [301, "POST", { method: "POST", status: 301 }],
    [302, "POST", { method: "POST", status: 302 }],
    [303, "PUT", { method: "PUT", status: 303 }],
    [307, "POST", undefined],
    [302, "GET", undefined],
  ])("says when a %i turned a %s into a GET, and where", async (status, method, madeGet) => {
    const u = await upstream((req, res) =>
      req.url === "/form" ? res.writeHead(status, { location: "/list" }).end() : res.end("listed"),
    );
    const response = await fetcher().fetch({
      method,
      url: new URL(`${u.origin}/form`),
      headers: method === "GET" ? {} : { "content-type": "application/json" },
      ...(method === "GET" ? {} : { body: "{}" }),
    });
    expect(response.url).toBe(`${u.origin}/list`);
    expect(response.madeGet).toEqual(madeGet && { ...madeGet, url: `${u.origin}/form` });
  });

  it("drops model-given API-key headers on a redirect to another origin, keeping the rest", async () => {
    const other = await upstream((_req, res) => res.end("done"));
    const u = await upstream((_req, res) => res.writeHead(302, { location: `${other.origin}/after` }).end());
    const keys = { "x-api-key": "k1", "private-token": "k2", "x-auth-token": "k3", "api-key": "k4" };
    await fetcher().fetch({ method: "GET", url: new URL(`${u.origin}/a`), headers: { ...keys, "x-trace": "t" } });
    expect(u.seen[0]?.headers).toMatchObject(keys);
    expect(other.seen[0]?.headers["x-trace"]).toBe("t");
    for (const name of Object.keys(keys)) expect(other.seen[0]?.headers).not.toHaveProperty(name);
  });
});

describe("bounded reading", () => {
  it("stops reading an endless body at the cap and reports it cut", async () => {
    const u = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(16 * 1024, "a");
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const response = await fetcher({ maxResponseBytes: 100_000 }).fetch(get(`${u.origin}/`));
    expect(response.cut).toBe("read-limit");
    expect(response.body.length).toBe(100_000);
  });

  it("counts decoded bytes, so a gzip bomb stops at the cap", async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    const u = await upstream((_req, res) => res.writeHead(200, { "content-encoding": "gzip" }).end(bomb));
    const response = await fetcher({ maxResponseBytes: 64 * 1024 }).fetch(get(`${u.origin}/`));
    expect(response.cut).toBe("read-limit");
    expect(response.body.length).toBe(64 * 1024);
  });

  it("reports an invalid gzip body instead of crashing", async () => {
    const u = await upstream((_req, res) => res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all"));
    const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toMatch(/could not decode the gzip body .*; retry with header accept-encoding: identity$/);
  });

  it("follows a Location sent as raw UTF-8 bytes to the path they spell, as fetch does", async () => {
    const u = await upstream((req, res) => {
      if (req.url === "/") res.writeHead(302, { location: Buffer.from("/café").toString("latin1") }).end();
      else res.writeHead(200).end("here");
    });
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(u.seen.map((s) => s.url)).toEqual(["/", "/caf%C3%A9"]);
    expect(response.url).toBe(`${u.origin}/caf%C3%A9`);
  });

  it("undoes several codings, the last listed first", async () => {
    const body = brotliCompressSync(gzipSync("twice coded"));
    const u = await upstream((_req, res) => res.writeHead(200, { "content-encoding": "gzip, br" }).end(body));
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.body.toString()).toBe("twice coded");
  });

  it("reads a deflate body sent raw, without the zlib wrapper, as browsers do", async () => {
    const u = await upstream((_req, res) =>
      res.writeHead(200, { "content-encoding": "deflate" }).end(deflateRawSync("raw deflate")),
    );
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.body.toString()).toBe("raw deflate");
  });

  it.each([
    ["gzip", gzipSync, 12],
    ["br", brotliCompressSync, 4],
    ["br", brotliCompressSync, 8],
    ["deflate", deflateSync, 4],
    ["deflate", deflateRawSync, 4],
  ] as const)(
    "refuses a %s body whose coded stream was cut short, instead of passing it off as whole",
    async (coding, code, cut) => {
      const whole = code(Buffer.from("line of text\n".repeat(40)));
      const sent = whole.subarray(0, whole.length - cut);
      const u = await upstream((_req, res) =>
        res.writeHead(200, { "content-encoding": coding, "content-length": String(sent.length) }).end(sent),
      );
      const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
      expect(error.kind).toBe("protocol");
      expect(error.message).toMatch(
        new RegExp(
          `^the ${coding} body from 127\\.0\\.0\\.1:\\d+ ended before its ${coding} stream did: .* is incomplete`,
        ),
      );
    },
  );

  it("reads an empty chunked body labelled br as empty", async () => {
    const u = await upstream((_req, res) => {
      res.writeHead(200, { "content-encoding": "br", "transfer-encoding": "chunked" });
      res.end();
    });
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.body.length).toBe(0);
  });

  it("reads an empty body labelled gzip as empty, not as an undecodable one", async () => {
    const u = await upstream((_req, res) => res.writeHead(201, { "content-encoding": "gzip" }).end());
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.status).toBe(201);
    expect(response.body.length).toBe(0);
  });

  it("refuses a coding it cannot decode, naming it, instead of showing the coded bytes", async () => {
    const u = await upstream((_req, res) =>
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "zstd" }).end(Buffer.from([0x28, 0xb5])),
    );
    const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toMatch(
      /content-encoding: zstd, which this tool cannot decode .*; retry with header accept-encoding: identity$/,
    );
  });

  it("refuses a body labelled with more codings than it undoes, without building a decoder for each", async () => {
    let body = Buffer.from("deep");
    for (let i = 0; i < 6; i++) body = gzipSync(body);
    const codings = (n: number) => Array(n).fill("gzip").join(", ");
    const u = await upstream((req, res) => {
      const n = req.url === "/six" ? 6 : 5;
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": codings(n) });
      res.end(n === 6 ? body : gunzipSync(body));
    });
    const error = await failure(fetcher().fetch(get(`${u.origin}/six`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toBe(
      `${u.origin.slice(7)} labelled its body with 6 content codings, one on top of another; this tool undoes at most 5 (a longer chain is a decompression bomb or a broken proxy); retry with header accept-encoding: identity`,
    );
    expect((await fetcher().fetch(get(`${u.origin}/five`))).body.toString()).toBe("deep");
  });

  it("says an unasked 101 Switching Protocols will not change by calling again", async () => {
    const u = await upstream((_req, res) =>
      res.socket?.end("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"),
    );
    const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("answered 101 Switching Protocols");
    expect(error.message).not.toContain("calling again may work");
  });

  it("reads an empty body labelled with a coding it cannot decode as empty", async () => {
    const u = await upstream((_req, res) =>
      res.writeHead(302, { location: "/elsewhere", "content-encoding": "zstd", "content-length": "0" }).end(),
    );
    const response = await fetcher({ maxRedirects: 0 }).fetch(get(`${u.origin}/`));
    expect(response.status).toBe(302);
    expect(response.body.length).toBe(0);
  });

  it("says a body still labelled gzip after accept-encoding: identity is mislabelled, not to retry the same", async () => {
    const u = await upstream((_req, res) => res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all"));
    const request = { ...get(`${u.origin}/`), headers: { "accept-encoding": "identity" } };
    const error = await failure(fetcher().fetch(request));
    expect(u.seen[0]?.headers["accept-encoding"]).toBe("identity");
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain(
      "is labelled content-encoding: gzip but is not gzip data, even with accept-encoding: identity asked, so the upstream mislabels it",
    );
    expect(error.message).not.toContain("retry with header accept-encoding: identity");
  });

  it("times out waiting for headers", async () => {
    const u = await upstream(() => {});
    const error = await failure(fetcher({ timeoutMs: 300 }).fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/^timeout: GET 127\.0\.0\.1:\d+ did not finish within 300 ms/);
  });

  it("stops a slowloris body that trickles forever at the time limit, keeping what was read", async () => {
    const u = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write("x")), 20);
      res.on("close", () => clearInterval(timer));
    });
    const response = await fetcher({ timeoutMs: 400 }).fetch(get(`${u.origin}/`));
    expect(response.cut).toBe("time-limit");
    expect(response.body.toString()).toMatch(/^x+$/);
  });

  it("keeps what arrived of a body whose connection broke, marked cut by the connection, not a whole success", async () => {
    const u = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
      res.write("only ten b", () => res.socket?.destroy());
    });
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.cut).toBe("connection");
    expect(response.body.toString()).toBe("only ten b");
  });

  it("reports a connection that broke before any body arrived as an error", async () => {
    const u = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
      res.flushHeaders();
      res.socket?.destroy();
    });
    const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("connection");
    expect(error.message).toMatch(/^connection to 127\.0\.0\.1:\d+ failed: .*; calling again may work$/);
  });

  it("reports a connection refused by a closed port", async () => {
    const u = await upstream((_req, res) => res.end());
    await u.close();
    const error = await failure(fetcher().fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("connection");
    expect(error.message).toContain("nothing is listening");
  });

  it("survives an upstream that speaks garbage", async () => {
    const { createServer } = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const raw = createServer((socket) => {
      sockets.push(socket);
      socket.end("HTTP/1.1 ???\r\n\r\n\u0000\u0001");
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", r));
    cleanup.push(
      () =>
        new Promise((r) => {
          for (const s of sockets) s.destroy();
          raw.close(() => r());
        }),
    );
    const port = (raw.address() as { port: number }).port;
    const error = await failure(fetcher().fetch(get(`http://127.0.0.1:${port}/`)));
    expect(["protocol", "connection"]).toContain(error.kind);
  });
});

describe("retries", () => {
  it("retries a GET on 503 after Retry-After", async () => {
    let calls = 0;
    const u = await upstream((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503, { "retry-after": "0" }).end("busy");
      else res.end("fine");
    });
    const response = await fetcher().fetch(get(`${u.origin}/`));
    expect(response.status).toBe(200);
    expect(response.retries).toBe(1);
    expect(u.seen).toHaveLength(2);
  });

  it("returns the 429 when Retry-After is beyond the bound", async () => {
    const u = await upstream((_req, res) => res.writeHead(429, { "retry-after": "3600" }).end("slow down"));
    const response = await fetcher({ maxRetryWaitMs: 1000 }).fetch(get(`${u.origin}/`));
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("3600");
    expect(u.seen).toHaveLength(1);
  });

  it("resends at most maxRetries times over the whole call, however many redirects answer 429 first", async () => {
    // Each path answers 429 twice before redirecting on, and the last path always 429: 18 requests when each hop
    // had its own maxRetries.
    const u = await upstream((req, res) => {
      const hop = Number(req.url?.slice(1));
      const asked = u.seen.filter((s) => s.url === req.url).length;
      if (asked <= 2 || hop === 5) res.writeHead(429, { "retry-after": "0" }).end("slow down");
      else res.writeHead(302, { location: `/${hop + 1}` }).end();
    });
    const response = await fetcher().fetch(get(`${u.origin}/0`));
    expect(response.status).toBe(429);
    expect(response.retries).toBe(2);
    // /0 twice refused, then redirected; /1 refused, with no retry left.
    expect(u.seen.map((s) => s.url)).toEqual(["/0", "/0", "/0", "/1"]);
  });

  it("never retries a POST", async () => {
    const u = await upstream((_req, res) => res.writeHead(503, { "retry-after": "0" }).end());
    const response = await fetcher().fetch({ method: "POST", url: new URL(`${u.origin}/`), headers: {}, body: "x" });
    expect(response.status).toBe(503);
    expect(u.seen).toHaveLength(1);
  });
});

describe("credentials", () => {
  it("adds credential headers only for the matching host", async () => {
    const u = await upstream((_req, res) => res.end("ok"));
    const other = await upstream((_req, res) => res.end("ok"), "::1");
    const credentials = resolveCredentials(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the credential syntax under test.
      { [`127.0.0.1:${u.port}`]: { "X-Api-Key": "k-${KEY}" } },
      { KEY: "s3cret-value" },
    );
    const f = fetcher({ credentials });
    await f.fetch(get(`${u.origin}/`));
    await f.fetch(get(`${other.origin}/`));
    expect(u.seen[0]?.headers["x-api-key"]).toBe("k-s3cret-value");
    expect(other.seen[0]?.headers["x-api-key"]).toBeUndefined();
  });
});

describe("rate limit", () => {
  it("refuses when the next slot is beyond the deadline", async () => {
    const u = await upstream((_req, res) => res.end("ok"));
    const f = fetcher({ rateLimit: parseRateLimit("1/min"), timeoutMs: 2000 });
    await f.fetch(get(`${u.origin}/`));
    const error = await failure(f.fetch(get(`${u.origin}/`)));
    expect(error.kind).toBe("rate-limited");
    expect(error.message).toMatch(/is limited to 1\/min by rateLimit, and the next slot is \d+ ms away; try later$/);
    expect(u.seen).toHaveLength(1);
  });
});

describe("TLS", () => {
  it("reports an untrusted certificate as a TLS error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-http-tls-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    // A throwaway self-signed certificate for 127.0.0.1, made here so no key material lives in the repo.
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
        ...["-subj", "/CN=127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("secure"),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const { port } = server.address() as AddressInfo;
    const error = await failure(fetcher().fetch(get(`https://127.0.0.1:${port}/`)));
    expect(error.kind).toBe("tls");
    expect(error.message).toMatch(
      /^TLS error from 127\.0\.0\.1:\d+: .*\((DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)\)/,
    );
  });
});
