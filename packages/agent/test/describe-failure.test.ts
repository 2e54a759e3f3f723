import { SdkErrorCode, SdkHttpError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { causes, describeFailure, isUnreachable } from "../src/describe-failure.js";

/** An Error with a code and a cause, as Node and undici make them. */
function failure(text: string, code?: string, cause?: unknown): Error {
  return Object.assign(new Error(text, cause === undefined ? undefined : { cause }), code ? { code } : {});
}

/** The SDK's error for a POST answered with an HTTP error: its body whole in the message, as it throws it. */
function posted(status: number, statusText: string, body: unknown): Error {
  const text = JSON.stringify(body);
  return new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, `Error POSTing to endpoint: ${text}`, {
    status,
    statusText,
    text,
  });
}

describe("describeFailure", () => {
  const refused = Object.assign(new AggregateError([failure("connect ECONNREFUSED ::1:4000", "ECONNREFUSED")], ""), {
    code: "ECONNREFUSED",
  });
  const trustHint = " — if the certificate is the right one, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>";
  it.each<[string, unknown, string]>([
    ["a plain error", new Error("boom"), "boom"],
    ["a thrown string", "boom", "boom"],
    [
      "fetch failed over an untrusted certificate",
      failure("fetch failed", undefined, failure("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT")),
      `fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)${trustHint}`,
    ],
    [
      "a private CA's certificate",
      failure(
        "fetch failed",
        undefined,
        failure("unable to get local issuer certificate", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
      ),
      `fetch failed: unable to get local issuer certificate (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)${trustHint}`,
    ],
    [
      "a certificate for another name: no CA would help",
      failure(
        "fetch failed",
        undefined,
        failure("Hostname/IP does not match certificate's altnames", "ERR_TLS_CERT_ALTNAME_INVALID"),
      ),
      "fetch failed: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    [
      "a refusal on every address (AggregateError, empty message)",
      failure("fetch failed", undefined, refused),
      "fetch failed: connect ECONNREFUSED ::1:4000",
    ],
    [
      "the first error's own code left to its library",
      failure(
        "Version negotiation probe failed: fetch failed",
        "ERA_NEGOTIATION_FAILED",
        failure("fetch failed", undefined, failure("getaddrinfo ENOTFOUND nope.example", "ENOTFOUND")),
      ),
      "Version negotiation probe failed: fetch failed: getaddrinfo ENOTFOUND nope.example",
    ],
    [
      "the SDK's probe answered with an HTTP error the server explained: the status, not a version mismatch",
      Object.assign(failure("Version negotiation failed: the server answered the probe with HTTP 503", "ERA"), {
        data: { text: JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "issuer down" } }) },
      }),
      'the server answered its first request with HTTP 503, saying "issuer down"',
    ],
    [
      "a rate limit's 429 whose body is a JSON-RPC error: what the server said, not its JSON",
      posted(429, "Too Many Requests", {
        jsonrpc: "2.0",
        id: 3,
        error: { code: -32000, message: "Too many requests: limited to 60/min; send it again in 1 s" },
      }),
      'the server answered HTTP 429 (Too Many Requests), saying "Too many requests: limited to 60/min; send it again in 1 s"',
    ],
    [
      "a gateway's 403 whose body is JSON but not JSON-RPC: the status, then the body on one line",
      posted(403, "Forbidden", { error: "forbidden", error_description: "role reader may not call tools" }),
      'the server answered HTTP 403 (Forbidden): {"error":"forbidden","error_description":"role reader may not call tools"}',
    ],
    [
      "JSON that is not JSON-RPC: one line, not the validator's report the SDK puts in its message too",
      (() => {
        const report = z.object({ jsonrpc: z.literal("2.0") }).safeParse({ status: "ok" }).error;
        return failure(`Version negotiation probe failed: ${report?.message}`, "ERA", report);
      })(),
      "Version negotiation probe failed: the server's answer is JSON but not a JSON-RPC message",
    ],
    [
      "a code already in its message",
      failure("top", undefined, failure("connect ETIMEDOUT 10.0.0.1:443", "ETIMEDOUT")),
      "top: connect ETIMEDOUT 10.0.0.1:443",
    ],
  ])("describes %s", (_, error, expected) => {
    expect(describeFailure(error)).toBe(expected);
  });

  it("stops on a cause that loops", () => {
    const a = failure("a");
    const b = failure("b", undefined, a);
    Object.assign(a, { cause: b });
    expect(describeFailure(a)).toBe("a: b");
  });
});

describe("causes", () => {
  it("walks an Error's cause, else an AggregateError's first error, and ends at a value that is not an Error", () => {
    const refused = new Error("refused");
    const all = new AggregateError([refused, new Error("second address")], "connect failed");
    const top = new TypeError("fetch failed", { cause: all });
    expect([...causes(top)]).toEqual([top, all, refused]);
    const odd = new Error("odd", { cause: { code: "X", cause: new Error("never reached") } });
    expect([...causes(odd)]).toEqual([odd, { code: "X", cause: expect.any(Error) }]);
    expect([...causes(undefined)]).toEqual([]);
  });

  it("stops after six, on a chain that loops", () => {
    const a = new Error("a");
    Object.assign(a, { cause: new Error("b", { cause: a }) });
    expect([...causes(a)].map((e) => (e as Error).message)).toEqual(["a", "b", "a", "b", "a", "b"]);
  });
});

describe("isUnreachable", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
    code: "ECONNREFUSED",
    syscall: "connect",
  });
  it.each([
    ["fetch failed, refused underneath", new TypeError("fetch failed", { cause: refused }), true],
    [
      "fetch failed, socket closed underneath",
      new TypeError("fetch failed", { cause: new Error("other side closed") }),
      true,
    ],
    ["a system error wrapped", new Error("send failed", { cause: refused }), true],
    ["a JSON-RPC error from the server", Object.assign(new Error("unknown tool x"), { code: -32602 }), false],
    ["another TypeError", new TypeError("x is not a function"), false],
    ["not an error", "fetch failed", false],
  ])("%s → %s", (_name, error, expected) => {
    expect(isUnreachable(error)).toBe(expected);
  });
});
