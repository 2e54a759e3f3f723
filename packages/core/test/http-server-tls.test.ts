// serveHttp over HTTPS (its `tls` option, the bins' --tls-cert and --tls-key): real SDK clients of both generations
// on 127.0.0.1 trusting the test-only self-signed certificates in fixtures/tls, and a renewed certificate served to
// new connections without a restart.

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpEndpoint, serveHttp, type TlsPair } from "../src/index.js";
import { CLIENT_KINDS, connectClient, expectedVersion, type TestClient } from "./clients.js";
import { echoFactory, textOf } from "./fixtures.js";
import { typeErrorWith } from "./matchers.js";
import { servedFingerprint, trustingFetch } from "./tls-client.js";

const TOKEN = "tls-test-token-0123456789abcdef0123";
const pem = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url), "utf8");
const FIRST = { cert: pem("cert-1.pem"), key: pem("key-1.pem") };
const SECOND = { cert: pem("cert-2.pem"), key: pem("key-2.pem") };

const endpoints: HttpEndpoint[] = [];
const clients: TestClient[] = [];
const fetches: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
  for (const client of fetches.splice(0)) await client.close();
});

/** A fetch that trusts only the given certificate, as a client given the server's CA would. */
function trusting(cert: string): typeof fetch {
  const client = trustingFetch([cert]);
  fetches.push(client);
  return client.fetch;
}

async function start() {
  // Typed as a library user types theirs, with the name the package exports.
  const tls: TlsPair = FIRST;
  const endpoint = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, tls });
  endpoints.push(endpoint);
  return endpoint;
}

const fingerprintOf = (cert: string) => new X509Certificate(cert).fingerprint256;

describe("serveHttp with tls", () => {
  it.each(CLIENT_KINDS)("serves a %s client over HTTPS, at its revision", async (kind) => {
    const { url } = await start();
    expect(url.protocol).toBe("https:");
    const client = await connectClient({ url, token: TOKEN, fetch: trusting(FIRST.cert) }, kind);
    clients.push(client);
    expect(client.protocolVersion()).toBe(expectedVersion(kind));
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "over tls" } }))).toBe("over tls");
  });

  it("answers /healthz over HTTPS, and nothing in plain HTTP on its port", async () => {
    const { url } = await start();
    const health = await trusting(FIRST.cert)(new URL("/healthz", url));
    expect(await health.json()).toEqual({ status: "ok" });
    const plain = new URL(url);
    plain.protocol = "http:";
    await expect(fetch(plain, { method: "POST", body: "{}" })).rejects.toThrow();
  });

  it("serves new connections a renewed certificate with setTls, and keeps the old one for a pair that is not one", async () => {
    const endpoint = await start();
    expect(await servedFingerprint(endpoint.url)).toBe(fingerprintOf(FIRST.cert));
    expect(() => endpoint.setTls({ cert: SECOND.cert, key: FIRST.key })).toThrow(
      "setTls: the key in pair.key is not the private key of the certificate in pair.cert",
    );
    expect(await servedFingerprint(endpoint.url)).toBe(fingerprintOf(FIRST.cert));
    endpoint.setTls(SECOND);
    expect(await servedFingerprint(endpoint.url)).toBe(fingerprintOf(SECOND.cert));
    const client = await connectClient({ url: endpoint.url, token: TOKEN, fetch: trusting(SECOND.cert) });
    clients.push(client);
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "renewed" } }))).toBe("renewed");
  });

  it("refuses a pair that is not one before listening, and setTls on a plain endpoint", async () => {
    await expect(
      serveHttp(echoFactory(), {
        host: "127.0.0.1",
        port: 0,
        token: TOKEN,
        tls: { cert: FIRST.cert, key: SECOND.key },
      }),
    ).rejects.toThrow(
      typeErrorWith("serveHttp: the key in tls.key is not the private key of the certificate in tls.cert"),
    );
    await expect(
      serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN, tls: { cert: FIRST.cert } as never }),
    ).rejects.toThrow(typeErrorWith("serveHttp: tls must be { cert, key }"));
    const plain = await serveHttp(echoFactory(), { host: "127.0.0.1", port: 0, token: TOKEN });
    endpoints.push(plain);
    expect(() => plain.setTls(SECOND)).toThrow("setTls: this endpoint serves plain HTTP (serveHttp was given no tls)");
  });
});
