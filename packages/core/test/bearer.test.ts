import { describe, expect, it } from "vitest";
import { bearerCredentials, isAuthorized } from "../src/bearer.js";

const SHARED_TOKEN = "test-token-0123456789";

const NO_TOKEN = 'the Authorization header is "Bearer" with no token after it';
const words = (n: number) =>
  `the Authorization header has ${n} words after "Bearer", and a bearer token is one, with no spaces`;

describe("bearerCredentials", () => {
  it.each<[string | undefined, ReturnType<typeof bearerCredentials>]>([
    ["Bearer abc", { kind: "token", token: "abc" }],
    ["bearer abc", { kind: "token", token: "abc" }],
    ["BEARER abc", { kind: "token", token: "abc" }],
    ["Bearer   abc", { kind: "token", token: "abc" }],
    ["Bearer\tabc", { kind: "token", token: "abc" }],
    ["  Bearer abc  ", { kind: "token", token: "abc" }],
    ["Bearer a.b-c_d~e+f/g==", { kind: "token", token: "a.b-c_d~e+f/g==" }],
    // An operator's shared token may hold characters RFC 6750's b64token does not.
    ["Bearer s3cr3t!$%", { kind: "token", token: "s3cr3t!$%" }],
    [undefined, { kind: "none" }],
    ["", { kind: "none" }],
    ["   ", { kind: "none" }],
    ["abc", { kind: "none" }],
    ["Basic dXNlcjpwYXNz", { kind: "none" }],
    ["Token abc", { kind: "none" }],
    ["Bearerabc", { kind: "none" }],
    ["Bearer", { kind: "malformed", reason: NO_TOKEN }],
    ["Bearer    ", { kind: "malformed", reason: NO_TOKEN }],
    ["Bearer a b", { kind: "malformed", reason: words(2) }],
    ["Bearer abc abc", { kind: "malformed", reason: words(2) }],
    ["Bearer abc\tdef ghi", { kind: "malformed", reason: words(3) }],
    ["Bearer Bearer abc", { kind: "malformed", reason: words(2) }],
  ])("%j → %j", (header, expected) => {
    expect(bearerCredentials(header)).toEqual(expected);
  });
});

describe("isAuthorized", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["Bearer", false],
    [`Basic ${SHARED_TOKEN}`, false],
    [`Bearer ${SHARED_TOKEN}x`, false],
    [`Bearer ${SHARED_TOKEN} ${SHARED_TOKEN}`, false],
    [`Bearer ${SHARED_TOKEN} x`, false],
    [`Bearer ${SHARED_TOKEN}`, true],
    [`bearer   ${SHARED_TOKEN}`, true],
    [`Bearer\t${SHARED_TOKEN} `, true],
  ])("%j → %s", (header, expected) => {
    expect(isAuthorized(header, SHARED_TOKEN)).toBe(expected);
  });
});
