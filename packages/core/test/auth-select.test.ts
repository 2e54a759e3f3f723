import { describe, expect, it } from "vitest";
import { webUrl } from "../src/auth-select.js";

describe("webUrl", () => {
  it.each([
    ["https://id.example.com/realms/team", true],
    ["https://id.example.com/", true],
    ["http://127.0.0.1:9000", true],
    ["http://[::1]:9000/oidc", true],
    ["http://localhost:9000", true],
    ["http://10.0.0.5", false],
    ["http://id.example.com", false],
    ["https://user:pw@id.example.com", false],
    ["https://id.example.com/#x", false],
    ["ftp://id.example.com", false],
    ["/relative", false],
  ])("%s → %s", (text, accepted) => {
    if (accepted) expect(webUrl(text, "--issuer")).toBe(text);
    else expect(() => webUrl(text, "--issuer")).toThrow(/--issuer must/);
  });
});
