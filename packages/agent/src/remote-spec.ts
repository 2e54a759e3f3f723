import { closest, isHeaderName, UsageError, type Verdict, wholeNumberProblem } from "@mcp-toolkit/core";
import { expandMap, expandVars } from "./expand.js";
import type { HttpServerSpec } from "./servers-file.js";

/** How a remote server is reached: Streamable HTTP (current), HTTP+SSE (deprecated) or WebSocket (legacy). */
export type RemoteTransport = "streamable-http" | "sse" | "websocket";

/** OAuth settings of a remote entry (all optional: discovery and dynamic registration need none). */
export interface OAuthSettings {
  /** A client pre-registered with the authorization server. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** An https URL where this client's metadata document is published (Client ID Metadata Documents). */
  clientMetadataUrl?: string | undefined;
  /** The scope to ask for; default: what the server's metadata or 401 names. */
  scope?: string | undefined;
  /** A fixed port for the loopback redirect (some pre-registered clients need one); default: any free port. */
  callbackPort?: number | undefined;
}

const TYPES: Record<string, RemoteTransport> = {
  http: "streamable-http",
  "streamable-http": "streamable-http",
  streamableHttp: "streamable-http",
  sse: "sse",
  ws: "websocket",
  websocket: "websocket",
};

/** The transport an entry's `type` and URL scheme call for, or why they do not fit together. */
export function remoteTransport(type: unknown, url: string): Verdict<{ transport: RemoteTransport }> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const named = type === undefined ? undefined : TYPES[String(type)];
  const no = (reason: string) => ({ ok: false as const, reason });
  if (type !== undefined && named === undefined) {
    return no(`type ${JSON.stringify(type)} is not one of "http", "sse", "ws" (or leave it out)`);
  }
  if (scheme === "ws" || scheme === "wss") {
    return named === undefined || named === "websocket"
      ? { ok: true, transport: "websocket" }
      : no(`a ${scheme}:// url is a WebSocket server; type "${String(type)}" needs an http(s):// url`);
  }
  if (scheme === "http" || scheme === "https") {
    return named === "websocket"
      ? no(`type "${String(type)}" needs a ws:// or wss:// url`)
      : { ok: true, transport: named ?? "streamable-http" };
  }
  return no(`url must start with http://, https://, ws:// or wss://${schemeHint(scheme, url)}`);
}

/** For a url written without its scheme (`localhost:3000/mcp`), the url to write: http for this machine, else https. */
function schemeHint(scheme: string | undefined, url: string): string {
  if (scheme !== undefined || !/^[\w.-]+(:\d+)?(\/|$)/.test(url) || /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(url)) return "";
  const local = /^(localhost|127\.[\d.]+)(:|\/|$)/i.test(url);
  return `: write ${JSON.stringify(`${local ? "http" : "https"}://${url}`)}`;
}

function oauthSettings(
  value: unknown,
  where: string,
  env: Record<string, string | undefined>,
): OAuthSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${where} must be an object`);
  const o = value as Record<string, unknown>;
  const known = ["clientId", "clientSecret", "clientMetadataUrl", "scope", "callbackPort"];
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown) {
    const near = closest(unknown, known);
    const guess = near === undefined ? "" : ` (did you mean ${near}?)`;
    throw new UsageError(`${where}.${unknown} is not a setting${guess}; use ${known.join(", ")}`);
  }
  const text = (key: string) => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new UsageError(`${where}.${key} must be a non-empty string`);
    return expandVars(v, env, `${where}.${key}`);
  };
  const port = o.callbackPort;
  const badPort =
    port === undefined ? undefined : wholeNumberProblem(port, `${where}.callbackPort`, { min: 1, max: 65535 });
  if (badPort) throw new UsageError(badPort);
  const clientMetadataUrl = text("clientMetadataUrl");
  if (clientMetadataUrl !== undefined && !/^https:\/\/[^/]+\/./.test(clientMetadataUrl)) {
    throw new UsageError(
      `${where}.clientMetadataUrl must be an https URL with a path, where the document is published`,
    );
  }
  return {
    clientId: text("clientId"),
    clientSecret: text("clientSecret"),
    clientMetadataUrl,
    scope: text("scope"),
    callbackPort: port as number | undefined,
  };
}

/** A `{url, type?, headers?, oauth?}` entry of mcp.json; throws UsageError naming the field at fault. */
export function parseRemoteEntry(
  name: string,
  entry: Record<string, unknown>,
  env: Record<string, string | undefined>,
  where: string,
): HttpServerSpec {
  const url = expandVars(String(entry.url), env, `${where}.url`);
  const verdict = remoteTransport(entry.type, url);
  if (!verdict.ok) throw new UsageError(`${where}: ${verdict.reason}`);
  if (!URL.canParse(url) || new URL(url).hostname === "") {
    throw new UsageError(
      `${where}.url ${JSON.stringify(url)} is not a URL with a host; give one like https://mcp.example.com/mcp`,
    );
  }
  const { transport } = verdict;
  const headers = entry.headers ?? {};
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new UsageError(`${where}.headers must be an object of strings`);
  }
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v !== "string") throw new UsageError(`${where}.headers.${k} must be a string`);
    if (!isHeaderName(k)) {
      throw new UsageError(
        `${where}.headers: ${JSON.stringify(k)} is not a header name (letters, digits and !#$%&'*+.^_\`|~- only, no spaces)`,
      );
    }
  }
  const oauth = oauthSettings(entry.oauth, `${where}.oauth`, env);
  if (oauth && transport === "websocket") {
    throw new UsageError(`${where}.oauth: OAuth is for http(s) servers; a WebSocket server takes headers`);
  }
  const expanded = expandMap(headers as Record<string, string>, env, `${where}.headers`);
  for (const [k, v] of Object.entries(expanded)) {
    // Tab, printable ASCII and Latin-1, as a header value is a byte string.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(v)) {
      throw new UsageError(
        `${where}.headers.${k} holds a control character or one past U+00FF, which no header value may (encode it, e.g. percent- or base64-encoded)`,
      );
    }
  }
  return {
    kind: "http",
    name,
    url,
    headers: expanded,
    builtin: false,
    ...(transport === "streamable-http" ? {} : { transport }),
    ...(oauth ? { oauth } : {}),
  };
}
