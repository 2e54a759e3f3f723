// A real OpenID provider for tests: oidc-provider (a certified implementation) on 127.0.0.1, issuing access tokens
// for our resource through the client-credentials grant — JWTs signed with its keys, or opaque tokens for a resource
// whose URL contains "opaque", which only introspection can check, with any claims a test gives a client's tokens.
// Its keys can be rotated, and tokens revoked, while it runs.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

/** A client the provider knows, with the scopes it may ask for. */
export interface TestClientRegistration {
  id: string;
  secret: string;
  scope: string;
}

export interface IdentityProviderOptions {
  /** Scopes the provider knows (each client may ask for those in its `scope`). */
  scopes: string[];
  clients: TestClientRegistration[];
  /** Signing keys, private, the first signs; default one new RSA key. Share them to make a look-alike issuer. */
  keys?: JWK[];
  /** Access-token lifetime in seconds. Default 300. */
  ttlS?: number;
  /** Claims added to every access token of a client, by client id (groups, roles), JWT or introspected alike. */
  claims?: Record<string, Record<string, unknown>>;
}

export interface IdentityProvider {
  /** The issuer identifier, as tokens carry it in `iss`. */
  issuer: string;
  /** The private signing keys, newest first. */
  keys: JWK[];
  /** An access token for `clientId`, with `scope`, for `resource` (its audience). */
  token(clientId: string, scope: string, resource: string): Promise<string>;
  /** Revoke a token it issued to `clientId` (RFC 7009), as an administrator or the client would. */
  revoke(clientId: string, token: string): Promise<void>;
  /** Sign with a new key from now on, still publishing the old ones (a rotation as providers do it). */
  rotateKeys(): Promise<void>;
  /** Requests the provider has answered for its JWKS. */
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function newSigningKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
}

let keyCount = 0;

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  let keys = options.keys ?? [await newSigningKey(`key-${++keyCount}`)];
  let jwksFetches = 0;
  let handle: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/jwks")) jwksFetches++;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secrets = new Map(options.clients.map((c) => [c.id, c.secret]));

  const build = () => {
    const provider = new Provider(issuer, {
      jwks: { keys },
      clients: options.clients.map((c) => ({
        client_id: c.id,
        client_secret: c.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: c.scope,
      })),
      scopes: options.scopes,
      ttl: { ClientCredentials: options.ttlS ?? 300 },
      extraTokenClaims: async (_ctx, token) =>
        "clientId" in token && typeof token.clientId === "string" ? options.claims?.[token.clientId] : undefined,
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined as unknown as string,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => ({
            scope: options.scopes.join(" "),
            audience: resource,
            accessTokenTTL: options.ttlS ?? 300,
            accessTokenFormat: resource.includes("opaque") ? "opaque" : "jwt",
            jwt: { sign: { alg: "RS256" } },
          }),
        },
      },
    });
    handle = provider.callback();
  };
  build();

  return {
    issuer,
    get keys() {
      return keys;
    },
    async token(clientId, scope, resource) {
      const basic = Buffer.from(`${clientId}:${secrets.get(clientId)}`).toString("base64");
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", scope, resource }),
      });
      const body = (await response.json()) as { access_token?: string; error_description?: string };
      if (!body.access_token) throw new Error(`the provider issued no token: ${body.error_description}`);
      return body.access_token;
    },
    async revoke(clientId, token) {
      const basic = Buffer.from(`${clientId}:${secrets.get(clientId)}`).toString("base64");
      const response = await fetch(`${issuer}/token/revocation`, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, token_type_hint: "access_token" }),
      });
      if (!response.ok) throw new Error(`the provider refused to revoke the token: HTTP ${response.status}`);
    },
    async rotateKeys() {
      keys = [await newSigningKey(`key-${++keyCount}`), ...keys];
      build();
    },
    jwksFetches: () => jwksFetches,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
