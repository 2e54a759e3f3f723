import { describe, expect, it } from "vitest";
import { httpErrorReason } from "../src/http-json.js";

describe("httpErrorReason", () => {
  it.each([
    [
      429,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Too many sessions: 2 open"}}',
      "HTTP 429: Too many sessions: 2 open",
    ],
    [
      404,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}',
      "HTTP 404: Session not found",
    ],
    [
      406,
      '{"error":{"message":"Not Acceptable: Client must accept both"},"id":null}',
      "HTTP 406: Not Acceptable: Client must accept both",
    ],
    [405, "", "HTTP 405"],
    [502, "<html>Bad Gateway</html>", "HTTP 502"],
    [400, '{"error":{"message":""}}', "HTTP 400"],
    [400, '{"error":{"message":42}}', "HTTP 400"],
    [400, '{"error":"text"}', "HTTP 400"],
    [400, "null", "HTTP 400"],
    [400, '{"error":{"message":"cut off in the mid', "HTTP 400"],
    [500, "event: message\ndata: {}", "HTTP 500"],
  ])("reads %i with %j as %j", (status, head, reason) => {
    expect(httpErrorReason(status, head)).toBe(reason);
  });
});
