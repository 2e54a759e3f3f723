// Real SDK clients of both generations, connected to our servers in each protocol era, for every package's tests:
// in process (a server factory), to a spawned bin over stdio, or to a URL over Streamable HTTP.
import {
  Client,
  MissingRequiredClientCapabilityError,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, ResourceListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { createMcpHandler, InMemoryTransport, type JSONRPCMessage, type Transport } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { ServerFactory } from "../src/server-factory.js";

/** A client generation and the revision it asks for. */
export type ClientKind =
  /** A v2 client in `auto` mode: probes with server/discover and speaks 2026-07-28. */
  | "modern"
  /** A v2 client in legacy mode offering 2025-11-25 (the SDK's default), 2025-06-18 or 2025-03-26. */
  | "v2@2025-11-25"
  | "v2@2025-06-18"
  | "v2@2025-03-26"
  /** The v1 `@modelcontextprotocol/sdk` client, as 1.32 (2025-11-25) and as hosts built when 2025-06-18 was latest. */
  | "v1@2025-11-25"
  | "v1@2025-06-18";

export const CLIENT_KINDS: readonly ClientKind[] = [
  "modern",
  "v2@2025-11-25",
  "v2@2025-06-18",
  "v2@2025-03-26",
  "v1@2025-11-25",
  "v1@2025-06-18",
];

/** The revision each kind should end up speaking with one of our servers. */
export function expectedVersion(kind: ClientKind): string {
  return kind === "modern" ? "2026-07-28" : (kind.split("@")[1] as string);
}

/** Where the server is: a factory served in this process, a bin spawned over stdio, or an HTTP endpoint. */
export type Target =
  | { factory: ServerFactory }
  | {
      command: string;
      args: string[];
      env?: Record<string, string>;
      cwd?: string;
      /** The server's stderr, as it arrives. */
      onStderr?: (text: string) => void;
    }
  | {
      url: URL;
      token: string;
      /** How requests go out (a fetch that trusts a test certificate authority); the global fetch by default. */
      fetch?: typeof fetch;
    };

/** The calls tests make, the same on a v1 and a v2 client (v2's signatures). */
export type TestClient = Pick<
  Client,
  | "callTool"
  | "listTools"
  | "listResources"
  | "listResourceTemplates"
  | "readResource"
  | "listPrompts"
  | "getPrompt"
  | "complete"
  | "getServerVersion"
  | "getInstructions"
  | "getServerCapabilities"
  | "listPrompts"
  | "getPrompt"
  | "complete"
> & {
  /** The revision the connection negotiated. */
  protocolVersion(): string | undefined;
  close(): Promise<void>;
};

const INFO = { name: "test", version: "1.0.0" };

/** The user's answer to an elicitation, as a client returns it. */
export interface ElicitAnswer {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, unknown>;
}

/** How a test client answers each question a server asks. */
export type Answerer = (message: string) => ElicitAnswer;

/** What a test client can do besides calling: answer elicitations (declaring the capability), hear list changes. */
export interface ClientAbilities {
  /**
   * Declare form elicitation and answer every request with this (or what it returns for the request's message);
   * each message also goes to `asked`.
   */
  elicit?: { answer: ElicitAnswer | ((message: string) => ElicitAnswer | Promise<ElicitAnswer>); asked?: string[] };
  /** Called on each notifications/resources/list_changed. */
  onResourceListChanged?: () => void;
}

/**
 * Connect a real client of `kind` to `target`, giving up after `timeoutMs` (the SDKs' default otherwise), with
 * `abilities` (answering elicitations, hearing list changes). A factory is not closed with the client.
 */
export async function connectClient(
  target: Target | ServerFactory,
  kind: ClientKind = "modern",
  timeoutMs?: number,
  abilities: ClientAbilities = {},
): Promise<TestClient> {
  const { elicit, onResourceListChanged } = abilities;
  const answer = async (request: { params: { message?: unknown } }) => {
    const message = String(request.params.message ?? "");
    elicit?.asked?.push(message);
    const given = elicit?.answer ?? { action: "cancel" as const };
    return typeof given === "function" ? given(message) : given;
  };
  const where: Target = typeof target === "function" ? { factory: target } : target;
  const cleanups: (() => Promise<void>)[] = [];
  const transport = (generation: "v1" | "v2"): Transport => {
    if ("factory" in where) {
      if (kind === "modern") {
        const handler = createMcpHandler(where.factory);
        cleanups.push(() => handler.close());
        return new StreamableHTTPClientTransport(new URL("http://in-process.test/mcp"), {
          fetch: (url, init) => handler.fetch(new Request(url, init)),
        });
      }
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const stdio = serveStdio(where.factory, { transport: serverSide });
      cleanups.push(() => stdio.close());
      return clientSide;
    }
    if ("url" in where) {
      const requestInit = { headers: { authorization: `Bearer ${where.token}` } };
      const options = { requestInit, ...(where.fetch ? { fetch: where.fetch } : {}) };
      return generation === "v1"
        ? (new V1StreamableHTTPClientTransport(where.url, options) as unknown as Transport)
        : new StreamableHTTPClientTransport(where.url, options);
    }
    const params = {
      command: where.command,
      args: where.args,
      env: where.env,
      cwd: where.cwd,
      stderr: "pipe" as const,
    };
    const stdio = generation === "v1" ? new V1StdioClientTransport(params) : new StdioClientTransport(params);
    const { onStderr } = where;
    if (onStderr) stdio.stderr?.on("data", (chunk: Buffer) => onStderr(chunk.toString("utf8")));
    return stdio as unknown as Transport;
  };
  const options = timeoutMs === undefined ? undefined : { timeout: timeoutMs };
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  };

  if (kind === "modern" || kind.startsWith("v2@")) {
    const client = new Client(INFO, {
      ...(kind === "modern"
        ? { versionNegotiation: { mode: "auto" } }
        : { supportedProtocolVersions: [expectedVersion(kind)] }),
      ...(elicit ? { capabilities: { elicitation: { form: {} } } } : {}),
    });
    if (elicit) client.setRequestHandler("elicitation/create", answer as never);
    if (onResourceListChanged) {
      client.setNotificationHandler("notifications/resources/list_changed", async () => onResourceListChanged());
    }
    await client.connect(transport("v2"), options);
    return Object.assign(client, {
      protocolVersion: () => client.getNegotiatedProtocolVersion(),
      close: async () => {
        await Client.prototype.close.call(client);
        await closeAll();
      },
    });
  }
  // The v1 client always offers its latest revision; an older host is played by rewriting that offer. It reports
  // the negotiated revision to its transport through the public setProtocolVersion hook.
  let negotiated: string | undefined;
  const offer = expectedVersion(kind);
  const client = new V1Client(INFO, elicit ? { capabilities: { elicitation: {} } } : undefined);
  if (elicit) client.setRequestHandler(ElicitRequestSchema, answer as never);
  if (onResourceListChanged) {
    client.setNotificationHandler(ResourceListChangedNotificationSchema, async () => onResourceListChanged());
  }
  await client.connect(
    withOffer(transport("v1"), offer, (version) => {
      negotiated = version;
    }) as never,
    options,
  );
  return Object.assign(client as unknown as TestClient, {
    callTool: ((params, options) =>
      V1Client.prototype.callTool.call(client, params, undefined, options as never)) as TestClient["callTool"],
    protocolVersion: () => negotiated,
    close: async () => {
      await V1Client.prototype.close.call(client);
      await closeAll();
    },
  });
}

/** A transport whose `initialize` offers `version`, reporting the negotiated revision to `onVersion`. */
export function withOffer(inner: Transport, version: string, onVersion: (version: string) => void): Transport {
  const send = inner.send.bind(inner);
  const setProtocolVersion = inner.setProtocolVersion?.bind(inner);
  return Object.assign(inner, {
    send: (message: JSONRPCMessage, options?: Parameters<Transport["send"]>[1]) => {
      const outgoing =
        "method" in message && message.method === "initialize"
          ? { ...message, params: { ...message.params, protocolVersion: version } }
          : message;
      return send(outgoing as JSONRPCMessage, options);
    },
    setProtocolVersion: (negotiated: string) => {
      onVersion(negotiated);
      setProtocolVersion?.(negotiated);
    },
  });
}

/**
 * What a call the server refused for a capability its client did not declare (-32021, as a 2026-07-28 client gets
 * it) says; it fails the test if the call was answered, or refused otherwise.
 */
export async function missingCapability(call: Promise<unknown>): Promise<{ message: string; required: unknown }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof MissingRequiredClientCapabilityError)) {
    throw new Error(`expected a -32021 MissingRequiredClientCapabilityError, got ${String(error)}`);
  }
  return { message: error.message, required: error.requiredCapabilities };
}
