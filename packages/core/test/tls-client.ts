// HTTPS as a client sees it, for the tests of serveHttp's tls and the bins' --tls-cert: a fetch that trusts only
// the given certificates (a client given the server's CA), and the certificate a new connection is served.
import { connect } from "node:tls";
import { Agent, fetch as undiciFetch } from "undici";

/** A fetch trusting only `ca`; close it when done. */
export function trustingFetch(ca: readonly (string | Buffer)[]): { fetch: typeof fetch; close(): Promise<void> } {
  const agent = new Agent({ connect: { ca: [...ca] } });
  const trusting = (url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent });
  return { fetch: trusting as unknown as typeof fetch, close: () => agent.close() };
}

/** The SHA-256 fingerprint of the certificate a new connection to `url` is served (not checked against any CA). */
export function servedFingerprint(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}
