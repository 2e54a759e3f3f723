// The certificate and private key an HTTP server serves TLS with (--tls-cert and --tls-key, or serveHttp's `tls`):
// PEM text, checked to be a certificate, a key and a pair before anything listens, so a mistake is one line that
// names the file and what is wrong with it, not an OpenSSL code at the first handshake. Read again on SIGHUP, for a
// renewed certificate.
import { readFileSync } from "node:fs";
import type { SecureContextOptions } from "node:tls";
import { errorMessage } from "./results.js";

/** A certificate (its chain may follow it) and its private key, in PEM. */
export interface TlsPair {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Where a bin reads its pair from. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** How each half of a pair is named in a message: its file, or the library option. */
export interface TlsNames {
  cert: string;
  key: string;
}

/** Why `pair` cannot serve TLS, naming the half at fault; undefined when it can. */
export function tlsPairProblem(
  pair: TlsPair,
  names: TlsNames = { cert: "tls.cert", key: "tls.key" },
): string | undefined {
  // node:tls is loaded only to check a pair: an HTTP server without TLS never needs it.
  const { createSecureContext } = process.getBuiltinModule("node:tls");
  const fault = (options: SecureContextOptions) => {
    try {
      createSecureContext(options);
      return undefined;
    } catch (error) {
      return error as Error & { code?: string };
    }
  };
  const cert = fault({ cert: pair.cert });
  if (cert) return `${names.cert} holds no PEM certificate (-----BEGIN CERTIFICATE-----): ${cert.message}`;
  const key = fault({ key: pair.key });
  if (key?.code === "ERR_OSSL_BAD_DECRYPT") {
    return `${names.key} is encrypted, and the server has no passphrase for it: give it unencrypted (openssl pkey -in encrypted.pem -out key.pem), readable by the server alone`;
  }
  if (key) return `${names.key} holds no PEM private key (-----BEGIN PRIVATE KEY-----): ${key.message}`;
  const both = fault({ cert: pair.cert, key: pair.key });
  if (!both) return undefined;
  return both.code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH"
    ? `the key in ${names.key} is not the private key of the certificate in ${names.cert}`
    : `${names.cert} and ${names.key}: ${both.message}`;
}

/** Read and check a bin's pair; throws an Error naming the file and what is wrong. */
export function readTlsPair(files: TlsFiles): TlsPair {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${errorMessage(error)}`);
    }
  };
  const pair = { cert: read(files.certFile, "certificate"), key: read(files.keyFile, "key") };
  const problem = tlsPairProblem(pair, { cert: files.certFile, key: files.keyFile });
  if (problem) throw new Error(problem);
  return pair;
}
