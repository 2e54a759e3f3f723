import { optionNames, ShuttingDown } from "@mcp-toolkit/core";
import { describe, expect, it } from "vitest";
import { AddressRefused } from "../src/connector.js";
import { describeError, FetchError, type FetchErrorKind, tlsMessage } from "../src/fetch-errors.js";

const request = { method: "GET", url: new URL("https://api.example.com:8443/x"), headers: {} };
const live = () => ({
  deadline: new AbortController().signal,
  signal: undefined,
  timeoutMs: 1000,
  progress: { phase: "waiting for response headers", bytes: 0 },
  settingNames: optionNames,
});
const coded = (code: string, message = `failed with ${code}`) => Object.assign(new Error(message), { code });

describe("describeError", () => {
  it.each<[string, Error, FetchErrorKind, string]>([
    ["DNS", coded("ENOTFOUND"), "dns", "DNS lookup failed for api.example.com (ENOTFOUND); check the host name"],
    ["DNS retry", coded("EAI_AGAIN"), "dns", "DNS lookup failed for api.example.com (EAI_AGAIN)"],
    [
      "self-signed",
      coded("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
      "tls",
      "TLS error from api.example.com:8443: self-signed certificate",
    ],
    [
      "expired",
      coded("CERT_HAS_EXPIRED", "certificate has expired"),
      "tls",
      "(CERT_HAS_EXPIRED); the certificate is not trusted",
    ],
    ["alt name", coded("ERR_TLS_CERT_ALTNAME_INVALID"), "tls", "TLS error from api.example.com:8443"],
    [
      "refused",
      coded("ECONNREFUSED"),
      "connection",
      "connection refused by api.example.com:8443: nothing is listening there",
    ],
    [
      "out of descriptors",
      coded("EMFILE", "connect EMFILE 10.0.0.1:8443 - Local (undefined:undefined)"),
      "connection",
      "could not connect to api.example.com:8443: this server has as many connections and files open as its limit allows (EMFILE, ulimit -n); nothing was sent — try again once fewer calls are running",
    ],
    [
      "reset",
      coded("ECONNRESET", "socket hang up"),
      "connection",
      "connection to api.example.com:8443 failed: socket hang up (ECONNRESET); calling again may work",
    ],
    [
      "unasked upgrade",
      coded("UND_ERR_SOCKET", "bad upgrade"),
      "protocol",
      "api.example.com:8443 answered 101 Switching Protocols, to a protocol this tool does not speak (a WebSocket endpoint?), though none was asked for; calling again will not help",
    ],
    [
      "bad HTTP",
      coded("HPE_INVALID_CONSTANT", "Expected HTTP/"),
      "protocol",
      "api.example.com:8443 sent an invalid HTTP response",
    ],
    [
      "bad header",
      coded("UND_ERR_INVALID_ARG", "invalid header"),
      "invalid-request",
      "invalid request to api.example.com:8443: invalid header",
    ],
    [
      "headers timeout",
      coded("UND_ERR_HEADERS_TIMEOUT"),
      "timeout",
      "timeout: GET api.example.com:8443 did not finish within 1000 ms (waiting for response headers)",
    ],
    [
      "connect timeout",
      coded("UND_ERR_CONNECT_TIMEOUT"),
      "timeout",
      "(connecting); the host did not accept a connection in time: check the host and port, or the server's operator can raise timeoutMs",
    ],
    [
      "refused address",
      new AddressRefused("refused: 10.0.0.1 is a private address"),
      "refused",
      "refused: 10.0.0.1 is a private address",
    ],
    ["wrapped cause", new Error("fetch failed", { cause: coded("ENOTFOUND") }), "dns", "DNS lookup failed"],
    [
      "headers too large",
      coded("UND_ERR_HEADERS_OVERFLOW", "Headers Overflow Error"),
      "protocol",
      "api.example.com:8443 sent response headers over Node's limit (16 KiB",
    ],
    [
      "not HTTP at all, as undici throws it: no code",
      Object.assign(new Error("Response does not match the HTTP/1.1 protocol"), { name: "HTTPParserError" }),
      "protocol",
      "api.example.com:8443 sent an invalid HTTP response: Response does not match the HTTP/1.1 protocol",
    ],
    ["unknown", new Error("weird"), "connection", "GET api.example.com:8443 failed: weird"],
  ])("%s", (_name, error, kind, message) => {
    const described = describeError(error, request, live());
    expect(described.kind).toBe(kind);
    expect(described.message).toContain(message);
  });

  it.each([
    [
      "POST",
      "waiting for response headers",
      "the POST may have been acted on before the connection broke: check its effect (GET what it would change) before sending it again",
    ],
    [
      "PATCH",
      "reading the response body",
      "the PATCH was answered before the connection broke, so it was acted on: check its effect",
    ],
    ["PUT", "waiting for response headers", "calling again may work"],
  ])("after a broken connection, tells a %s (%s) whether sending it again is safe", (method, phase, advice) => {
    const described = describeError(
      coded("UND_ERR_SOCKET", "other side closed"),
      { ...request, method },
      {
        ...live(),
        progress: { phase, bytes: 0 },
      },
    );
    expect(described.message).toContain(
      `connection to api.example.com:8443 failed: other side closed (UND_ERR_SOCKET); ${advice}`,
    );
  });

  it("tells a POST that timed out unanswered to check its effect, not to try again", () => {
    const described = describeError(coded("UND_ERR_HEADERS_TIMEOUT"), { ...request, method: "POST" }, live());
    expect(described.kind).toBe("timeout");
    expect(described.message).toContain(
      "may have received the POST and be acting on it all the same: check its effect (GET what it would change) before sending it again, or the server's operator can raise timeoutMs",
    );
  });

  it("names a timeout by the deadline and the bytes read so far", () => {
    const deadline = AbortSignal.abort();
    const described = describeError(new Error("aborted"), request, {
      ...live(),
      deadline,
      progress: { phase: "reading the response body", bytes: 512 },
    });
    expect(described.message).toBe(
      "timeout: GET api.example.com:8443 did not finish within 1000 ms (reading the response body after 512 body bytes); ask for less (a smaller page or range), or the server's operator can raise timeoutMs",
    );
  });

  it("tells a client cancellation from a timeout", () => {
    const described = describeError(new Error("aborted"), request, { ...live(), signal: AbortSignal.abort() });
    expect(described).toMatchObject({
      kind: "aborted",
      message: "GET api.example.com:8443 was cancelled by the client",
    });
  });

  it("tells a call stopped as the server shuts down from one its client cancelled", () => {
    const signal = AbortSignal.abort(new ShuttingDown());
    const progress = { phase: "reading the response body", bytes: 40 };
    const described = describeError(new Error("aborted"), request, { ...live(), signal, progress });
    expect(described).toMatchObject({
      kind: "connection",
      message:
        "GET api.example.com:8443 was stopped after 40 body bytes: the server is shutting down; call again (another instance may answer)",
    });
  });

  it.each([
    ["POST", "connecting", "it was not sent: call again (another instance may answer)"],
    ["POST", "waiting for the rate limit", "it was not sent: call again (another instance may answer)"],
    [
      "POST",
      "waiting for response headers",
      "the POST may have been acted on before it was stopped: check its effect (GET what it would change) before sending it again (another instance may answer)",
    ],
    [
      "PATCH",
      "reading the response body",
      "the PATCH was answered before it was stopped, so it was acted on: check its effect (GET what it would change) before sending it again (another instance may answer)",
    ],
    ["PUT", "waiting for response headers", "call again (another instance may answer)"],
  ])("tells a %s stopped while %s by the server shutting down what to do", (method, phase, advice) => {
    const signal = AbortSignal.abort(new ShuttingDown());
    const sent = { ...request, method };
    const described = describeError(new Error("aborted"), sent, { ...live(), signal, progress: { phase, bytes: 0 } });
    expect(described.message).toBe(
      `${method} api.example.com:8443 was stopped: the server is shutting down; ${advice}`,
    );
  });

  it("passes a FetchError through", () => {
    const error = new FetchError("redirect", "too many");
    expect(describeError(error, request, live())).toBe(error);
  });
});

describe("tlsMessage", () => {
  const url = new URL("https://127.0.0.1:41731/path?q=1");
  const openssl =
    "80EC5B2C7F7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n";
  it.each([
    [
      "a plain-HTTP port",
      "ERR_SSL_WRONG_VERSION_NUMBER",
      openssl,
      "TLS error from 127.0.0.1:41731 (ERR_SSL_WRONG_VERSION_NUMBER): this port does not speak TLS (it answered in plain HTTP?); try http://127.0.0.1:41731/path?q=1",
    ],
    [
      "a plain-HTTP port, newer OpenSSL",
      "ERR_SSL_PACKET_LENGTH_TOO_LONG",
      openssl,
      "TLS error from 127.0.0.1:41731 (ERR_SSL_PACKET_LENGTH_TOO_LONG): this port does not speak TLS (it answered in plain HTTP?); try http://127.0.0.1:41731/path?q=1",
    ],
    [
      "a self-signed certificate",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "self-signed certificate",
      "TLS error from 127.0.0.1:41731: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); the certificate is not trusted or does not match",
    ],
    [
      "a name the certificate does not cover",
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "Hostname/IP does not match certificate's altnames",
      "TLS error from 127.0.0.1:41731: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID); the certificate is not trusted or does not match",
    ],
    [
      "a handshake alert, in OpenSSL's words",
      "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
      "C0:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../deps/ssl.c:1605:SSL alert number 40\n",
      "TLS handshake with 127.0.0.1:41731 failed: sslv3 alert handshake failure (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE); the server and this client share no TLS version or cipher, or the server refused the connection",
    ],
  ])("%s", (_, code, message, expected) => {
    const said = tlsMessage(url, code, message);
    expect(said).toBe(expected);
    expect(said).not.toContain("\n");
  });
});
