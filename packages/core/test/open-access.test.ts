// Start-up of an OAuth resource server against a real identity provider (oidc-provider on 127.0.0.1): a wrong
// --issuer stops it; an issuer that is down only delays the first tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/cli-options.js";
import { createLogger } from "../src/logger.js";
import { openAccess } from "../src/open-access.js";
import { type IdentityProvider, startIdentityProvider } from "./identity-provider.js";

const RESOURCE = "https://mcp.example.test/mcp";
let idp: IdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider({ scopes: ["mcp:read"], clients: [{ id: "app", secret: "s", scope: "mcp:read" }] });
});
afterAll(async () => {
  await idp.close();
});

function open(issuer: string) {
  const lines: string[] = [];
  const logger = createLogger("test", "info", (line) => lines.push(line));
  return { lines, opened: openAccess({ auth: { mode: "oauth", issuer, resource: RESOURCE } }, logger) };
}

describe("openAccess with --auth oauth", () => {
  it("asks the issuer at start-up and says whose tokens it accepts", async () => {
    const { lines, opened } = open(idp.issuer);
    await opened;
    expect(lines.join("\n")).toContain(`accepting access tokens from ${idp.issuer} for ${RESOURCE}`);
  });

  it("refuses to start, in one line, when the issuer's metadata names another issuer", async () => {
    const { opened } = open(`${idp.issuer}/`);
    await expect(opened).rejects.toBeInstanceOf(UsageError);
    await expect(opened).rejects.toThrow(`names issuer "${idp.issuer}", not "${idp.issuer}/"; check --issuer`);
  });

  it("starts when the issuer cannot be reached, warning that tokens wait for it", async () => {
    const { lines, opened } = open("http://127.0.0.1:9");
    await opened;
    expect(lines.join("\n")).toMatch(
      /warn.*no authorization-server metadata for http:\/\/127\.0\.0\.1:9 .*; tokens will be refused \(503\) until the issuer answers/,
    );
  });
});
