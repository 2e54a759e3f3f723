// The shipped mcp-http bin serving HTTPS (--tls-cert, --tls-key), as an operator runs it without a proxy in front:
// a client that trusts the certificate calls it, SIGHUP serves a renewed certificate to new connections, and a
// wrong pair stops start-up in one line. Certificates: core's test-only self-signed ones (fixtures/tls).
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type LaunchedHttp, launchHttp } from "../../core/test/built-server.js";
import { connectClient } from "../../core/test/clients.js";
import { servedFingerprint, trustingFetch } from "../../core/test/tls-client.js";

const DIST = fileURLToPath(new URL("../dist", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../core/test/fixtures/tls", import.meta.url));
const TOKEN = "bin-tls-token-0123456789abcdef0123";
const fixture = (name: string) => path.join(FIXTURES, name);
const fingerprintOf = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;

let dir: string | undefined;
const launched: LaunchedHttp[] = [];
afterEach(async () => {
  for (const server of launched.splice(0)) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("mcp-http over HTTPS", () => {
  it("serves a client that trusts its certificate, and a renewed one after SIGHUP", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "mcp-bin-tls-"));
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    copyFileSync(fixture("cert-1.pem"), cert);
    copyFileSync(fixture("key-1.pem"), key);
    const server = await launchHttp(DIST, "bin", ["--tls-cert", cert, "--tls-key", key], { MCP_AUTH_TOKEN: TOKEN });
    launched.push(server);
    expect(server.url.protocol).toBe("https:");
    const trusting = trustingFetch([fixture("cert-1.pem"), fixture("cert-2.pem")].map((f) => readFileSync(f)));
    try {
      const client = await connectClient({ url: server.url, token: TOKEN, fetch: trusting.fetch });
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain("http_get");
      } finally {
        await client.close();
      }
      expect(await servedFingerprint(server.url)).toBe(fingerprintOf(fixture("cert-1.pem")));
      // The certificate is renewed in place (as certbot does), and the server told.
      copyFileSync(fixture("cert-2.pem"), cert);
      copyFileSync(fixture("key-2.pem"), key);
      server.child.kill("SIGHUP");
      await expect.poll(() => server.log.text).toContain(`SIGHUP: re-read the TLS certificate ${cert} and key ${key}`);
      expect(await servedFingerprint(server.url)).toBe(fingerprintOf(fixture("cert-2.pem")));
      // Half-renewed (the key not yet in place): the server says so, and serves the pair it has.
      copyFileSync(fixture("cert-1.pem"), cert);
      server.child.kill("SIGHUP");
      await expect
        .poll(() => server.log.text)
        .toContain(
          `SIGHUP: kept the previous TLS certificate: the key in ${key} is not the private key of the certificate in ${cert}`,
        );
      expect(await servedFingerprint(server.url)).toBe(fingerprintOf(fixture("cert-2.pem")));
    } finally {
      await trusting.close();
    }
  });

  it.each([
    [
      ["--tls-cert", fixture("cert-1.pem")],
      "mcp-http: --tls-cert needs --tls-key (MCP_TLS_KEY) too: HTTPS takes a certificate and its private key\n",
    ],
    [
      ["--tls-cert", fixture("cert-1.pem"), "--tls-key", fixture("key-2.pem")],
      `mcp-http: --tls-cert (MCP_TLS_CERT), --tls-key (MCP_TLS_KEY): the key in ${fixture("key-2.pem")} is not the private key of the certificate in ${fixture("cert-1.pem")}\n`,
    ],
  ])("refuses to start with %j, in one line", async (args, stderr) => {
    const child = spawn(process.execPath, [path.join(DIST, "cli.cjs"), "--transport", "http", "--port", "0", ...args], {
      env: { PATH: process.env.PATH ?? "", MCP_AUTH_TOKEN: TOKEN },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let text = "";
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(text).toBe(stderr);
  });
});
