// Which certificate and key pairs can serve TLS, and how a wrong one is named. The pairs are the test-only,
// self-signed ones in fixtures/tls (CN localhost, for localhost, 127.0.0.1 and ::1).
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTlsPair, tlsPairProblem } from "../src/tls-pair.js";

const fixture = (name: string) => new URL(`./fixtures/tls/${name}`, import.meta.url).pathname;
const CERT = readFileSync(fixture("cert-1.pem"), "utf8");
const KEY = readFileSync(fixture("key-1.pem"), "utf8");
const OTHER_KEY = readFileSync(fixture("key-2.pem"), "utf8");
const ENCRYPTED_KEY = createPrivateKey(KEY).export({
  type: "pkcs8",
  format: "pem",
  cipher: "aes-256-cbc",
  passphrase: "test only",
}) as string;

describe("tlsPairProblem", () => {
  it.each<[string, { cert: string | Buffer; key: string | Buffer }, string | undefined]>([
    ["a certificate and its key", { cert: CERT, key: KEY }, undefined],
    ["the same as Buffers", { cert: Buffer.from(CERT), key: Buffer.from(KEY) }, undefined],
    [
      "a key that is another certificate's",
      { cert: CERT, key: OTHER_KEY },
      "the key in tls.key is not the private key of the certificate in tls.cert",
    ],
    ["the two swapped", { cert: KEY, key: CERT }, "tls.cert holds no PEM certificate (-----BEGIN CERTIFICATE-----): "],
    ["a path instead of the text", { cert: "/etc/ssl/cert.pem", key: KEY }, "tls.cert holds no PEM certificate"],
    [
      "an encrypted key",
      { cert: CERT, key: ENCRYPTED_KEY },
      "tls.key is encrypted, and the server has no passphrase for it: give it unencrypted (openssl pkey",
    ],
    [
      "a key that is not one",
      { cert: CERT, key: "secret" },
      "tls.key holds no PEM private key (-----BEGIN PRIVATE KEY-----): ",
    ],
  ])("%s", (_, pair, problem) => {
    const found = tlsPairProblem(pair);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found?.startsWith(problem)).toBe(true);
  });
});

describe("readTlsPair", () => {
  it("reads a pair from its files", () => {
    const pair = readTlsPair({ certFile: fixture("cert-1.pem"), keyFile: fixture("key-1.pem") });
    expect(pair.cert.toString()).toBe(CERT);
    expect(pair.key.toString()).toBe(KEY);
  });

  it("names the file that cannot be read, or the half that is wrong, by its path", () => {
    expect(() => readTlsPair({ certFile: "/nonexistent/cert.pem", keyFile: fixture("key-1.pem") })).toThrow(
      /^cannot read the TLS certificate \/nonexistent\/cert\.pem: ENOENT/,
    );
    expect(() => readTlsPair({ certFile: fixture("cert-1.pem"), keyFile: fixture("key-2.pem") })).toThrow(
      `the key in ${fixture("key-2.pem")} is not the private key of the certificate in ${fixture("cert-1.pem")}`,
    );
  });
});
