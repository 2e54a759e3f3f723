// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV} references are the syntax under test.
import { describe, expect, it } from "vitest";
import { errorWith } from "../../core/test/matchers.js";
import {
  createRedactor,
  credentialHeadersFor,
  parseCredentialsJson,
  resolveCredentials,
  secretSpellings,
  withheldOverHttp,
} from "../src/credentials.js";

describe("resolveCredentials", () => {
  it("expands ${ENV} references and collects every secret", () => {
    const resolved = resolveCredentials(
      { "api.example.com": { Authorization: "Bearer ${TOKEN}", "X-Team": "${TEAM}-fixed" } },
      { TOKEN: "tok-123456", TEAM: "blue-team" },
    );
    expect(resolved.rules).toEqual([
      { pattern: "api.example.com", headers: { authorization: "Bearer tok-123456", "x-team": "blue-team-fixed" } },
    ]);
    expect([...resolved.secrets].sort()).toEqual(["Bearer tok-123456", "blue-team", "blue-team-fixed", "tok-123456"]);
  });

  it("takes ${ENV:-default} when the variable is unset or empty, and keeps the default secret too", () => {
    const resolved = resolveCredentials(
      { "api.example.com": { Authorization: "Bearer ${TOKEN:-dev-token-1}", "X-Team": "${TEAM:-red-team}" } },
      { TEAM: "" },
    );
    expect(resolved.rules[0]?.headers).toEqual({ authorization: "Bearer dev-token-1", "x-team": "red-team" });
    expect(resolved.secrets).toEqual(expect.arrayContaining(["dev-token-1", "Bearer dev-token-1", "red-team"]));
    const set = resolveCredentials({ a: { "X-Key": "${KEY:-unused}" } }, { KEY: "key-from-env" });
    expect(set.rules[0]?.headers).toEqual({ "x-key": "key-from-env" });
  });

  it("also treats the token of a literal Bearer/Basic value, and Basic's user:password and password, as secrets", () => {
    const basic = Buffer.from("ann:pa55word-x").toString("base64");
    const resolved = resolveCredentials(
      { a: { Authorization: "Bearer literal-tok-999" }, b: { Authorization: `Basic ${basic}` } },
      {},
    );
    expect(resolved.secrets).toEqual(
      expect.arrayContaining(["literal-tok-999", basic, "ann:pa55word-x", "pa55word-x"]),
    );
    // Other values with a space are not split: "my agent" must not make every "agent" vanish.
    expect(resolveCredentials({ c: { "User-Agent": "my agent" } }, {}).secrets).toEqual(["my agent"]);
    const redact = createRedactor(resolved.secrets);
    expect(redact('{"token": "literal-tok-999", "user": "ann", "password": "pa55word-x"}')).toBe(
      '{"token": "[redacted]", "user": "ann", "password": "[redacted]"}',
    );
  });

  // A header of the wrong kind is a TypeError (as `new Headers` throws); an unset variable is the environment's doing.
  it.each<[unknown, typeof Error, string]>([
    [
      { h: { A: "${MISSING}" } },
      Error,
      "credential header h A: ${MISSING} is not set; export MISSING=… or write ${MISSING:-default}",
    ],
    [{ h: { A: "${EMPTY}" } }, Error, "credential header h A: ${EMPTY} is not set"],
    [{ h: "nope" }, TypeError, 'credentials for "h" must be an object'],
    [{ h: { A: 7 } }, TypeError, "credential header h A must be a string"],
    [{ h: { "Bad Name": "x" } }, TypeError, 'credential header name "Bad Name" for h is not a valid HTTP header name'],
    [{ h: { A: "line\nbreak" } }, TypeError, "contains a line break"],
    ...["Bearer 日本-token", "Bearer tok\u0001en", "Bearer \u{1F511}", "tok\u007fen"].map(
      (value): [unknown, ErrorConstructor, string] => [
        { h: { A: value } },
        TypeError,
        "credential header h A contains a control character or one beyond Latin-1, which no HTTP header can carry",
      ],
    ),
    [
      { h: { A: "Bearer ${TOK}" } },
      TypeError,
      "credential header h A contains a control character or one beyond Latin-1",
    ],
    ...["Transfer-Encoding", "content-length", "Connection", "Host", "Expect", "Upgrade"].map(
      (name): [unknown, ErrorConstructor, string] => [
        { h: { [name]: "x" } },
        TypeError,
        `credential header h ${name} is set by the HTTP client itself, per request`,
      ],
    ),
  ])("refuses %j", (credentials, kind, message) => {
    expect(() => resolveCredentials(credentials as never, { EMPTY: "", TOK: "sëcret-日本" })).toThrow(
      errorWith(kind, message),
    );
  });

  it("never quotes the JSON text, which holds secrets, when it is invalid", () => {
    expect(() => parseCredentialsJson('{"h": {"A": "secret-value"')).toThrow(/^MCP_HTTP_CREDENTIALS is not valid JSON/);
    expect(() => parseCredentialsJson('{"h": {"A": "secret-value"')).not.toThrow(/secret-value/);
    expect(() => parseCredentialsJson("[1]")).toThrow("must be a JSON object");
    expect(() => parseCredentialsJson("{", "--credentials")).toThrow(/^--credentials is not valid JSON/);
  });
});

describe("credentialHeadersFor", () => {
  const resolved = resolveCredentials(
    {
      "api.example.com": { "X-Key": "k1-value" },
      "*.example.com": { "X-Wild": "w-value" },
      "svc.test:8443": { "X-Port": "p-value" },
      localhost: { "X-Local": "l-value" },
      "127.0.0.1": { "X-Local": "l-value" },
    },
    {},
  );
  it.each([
    ["https://api.example.com/x", { "x-key": "k1-value", "x-wild": "w-value" }],
    ["https://other.example.com/x", { "x-wild": "w-value" }],
    ["https://example.com/", {}],
    ["https://svc.test:8443/", { "x-port": "p-value" }],
    ["https://svc.test/", {}],
    ["https://api.example.com.evil.test/", {}],
    ["http://api.example.com/", {}],
    ["http://localhost:8080/", { "x-local": "l-value" }],
    ["http://127.0.0.1:8080/", { "x-local": "l-value" }],
  ])("%s", (url, headers) => {
    const u = new URL(url);
    expect(credentialHeadersFor(u, Number(u.port || 443), resolved)).toEqual(headers);
  });
});

describe("withheldOverHttp", () => {
  const resolved = resolveCredentials(
    { "api.example.com": { Authorization: "Bearer t-value", "X-Team": "blue" }, "127.0.0.1": { "X-Local": "l-value" } },
    {},
  );
  it.each([
    ["http://api.example.com/x", 80, ["authorization", "x-team"]],
    ["http://api.example.com:8080/x", 8080, ["authorization", "x-team"]],
    ["https://api.example.com/x", 443, []],
    ["http://127.0.0.1:8080/", 8080, []],
    ["http://other.example.com/", 80, []],
  ])("%s", (url, port, names) => {
    expect(withheldOverHttp(new URL(url), port, resolved)).toEqual(names);
  });
});

describe("createRedactor", () => {
  const redact = createRedactor(["s3cr3t/value+1", "abc"]);
  it.each([
    ["token s3cr3t/value+1 here", "token [redacted] here"],
    ["url ?k=s3cr3t%2Fvalue%2B1", "url ?k=[redacted]"],
    [JSON.stringify({ k: 'x"s3cr3t/value+1' }), '{"k":"x\\"[redacted]"}'],
    [`b64 ${Buffer.from("s3cr3t/value+1").toString("base64")}`, "b64 [redacted]="],
    ["abc is too short to redact", "abc is too short to redact"],
  ])("%s", (input, output) => {
    expect(redact(input)).toBe(output);
  });

  it.each([
    ["page ... s3cr3t/val", "page ... [redacted]"],
    ["page ... s3cr3t%2Fva\uFFFD", "page ... [redacted]"],
    ["page ... s3cr", "page ... [redacted]"],
    ["page ... s3c", "page ... s3c"],
    ["page ... s3cr3t/value+1", "page ... [redacted]"],
  ])("with cut, also redacts a secret's start at the end: %j", (input, output) => {
    expect(redact(input, true)).toBe(output);
    expect(redact("s3cr3t/val at the end of an uncut body")).toContain("s3cr3t/val");
  });

  it("is the identity without secrets", () => {
    expect(createRedactor([])("anything")).toBe("anything");
  });
});

describe("redaction of encoded echoes", () => {
  const SECRETS = ["sk-live-0123456789abcdef", "s3cr3t/value+1", "pässwörd-ümlaut"];
  const b64 = (bytes: Buffer, urlSafe: boolean, padded: boolean) => {
    let text = bytes.toString("base64");
    if (urlSafe) text = text.replace(/\+/g, "-").replace(/\//g, "_");
    return padded ? text : text.replace(/=+$/, "");
  };
  /** Every base64 window over the redacted text: none may decode to bytes holding the secret. */
  const leaks = (text: string, secret: Buffer) =>
    text
      .split("[redacted]")
      .some((part) => Buffer.from(part.replace(/-/g, "+").replace(/_/g, "/"), "base64").includes(secret));

  const cases: [string, string, (secret: string) => string][] = [];
  for (const secret of SECRETS) {
    cases.push([secret, "hex, lower case", (s) => `echo: ${Buffer.from(s).toString("hex")} end`]);
    cases.push([secret, "hex, upper case", (s) => `ECHO=${Buffer.from(s).toString("hex").toUpperCase()};`]);
    for (const before of ["", "A", "Bearer ", "Authorization: Bearer "]) {
      for (const after of ["", "\r\n", "; x=1"]) {
        for (const urlSafe of [false, true]) {
          for (const padded of [false, true]) {
            cases.push([
              secret,
              `base64${urlSafe ? "url" : ""} of ${JSON.stringify(`${before}…${after}`)}${padded ? "" : " unpadded"}`,
              (s) => `{"echo":"${b64(Buffer.from(before + s + after), urlSafe, padded)}"}`,
            ]);
          }
        }
      }
    }
  }

  it.each(cases)("%s as %s", (secret, _, encode) => {
    const redact = createRedactor([secret]);
    const echoed = encode(secret);
    const out = redact(echoed);
    expect(out).toContain("[redacted]");
    expect(leaks(out, Buffer.from(secret))).toBe(false);
    expect(out.toLowerCase()).not.toContain(Buffer.from(secret).toString("hex"));
  });

  it("covers the three byte alignments, standard and URL-safe", () => {
    const spellings = secretSpellings("sk-live-0123456789abcdef");
    for (const lead of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(lead, 0xff), Buffer.from("sk-live-0123456789abcdef")]).toString(
        "base64",
      );
      expect(spellings.some((form) => encoded.includes(form))).toBe(true);
    }
  });

  it("does not encode a secret shorter than 8 bytes, whose encodings could occur by chance", () => {
    expect(secretSpellings("tok12")).toEqual(["tok12"]);
    const redact = createRedactor(["tok12"]);
    expect(redact(Buffer.from("tok12").toString("hex"))).toBe("746f6b3132");
  });

  it("leaves text without the secret as it was", () => {
    const redact = createRedactor(SECRETS);
    const page = "<p>The quick brown fox; base64 c2VjcmV0 and hex 0123456789abcdef0123.</p>";
    expect(redact(page)).toBe(page);
  });
});
