import type { McpRequestContext, McpServer } from "@modelcontextprotocol/server";
import { type Audience, AudienceSignal } from "./audience.js";
import { auditConnection } from "./audit-connection.js";
import type { AuditLog } from "./audit-log.js";
import type { Offered } from "./auth-roles.js";
import { allowedOf, callerOf } from "./caller.js";
import { explainInvalidParams } from "./invalid-params.js";
import { createMcpServer, type ServerBlueprint } from "./mcp-server.js";
import { promptSet } from "./prompt.js";
import { observeRequests } from "./request-telemetry.js";
import { registerResources } from "./resource.js";
import { RunningCalls } from "./running-calls.js";
import { statsResource } from "./stats-resource.js";
import { ToolStats } from "./tool-stats.js";
import { explainUnansweredQuestions } from "./unanswered-question.js";
import { explainUnknownMethods } from "./unknown-method.js";

/**
 * A factory of per-connection (stdio) or per-request (HTTP) servers sharing one blueprint — hand it to
 * `serveStdio` or `createMcpHandler` — and `close()` to release what they share once serving ends.
 */
export interface ServerFactory {
  /**
   * A new server over the shared tools, prompts and resources. The context says which era it will serve and, from
   * an authenticated HTTP request, who is calling: the server then offers only what the caller's roles allow
   * (`authInfo.extra.allowed`), and a per-request server for a body of tool calls only those tools
   * (`authInfo.extra.calls`). Serving adds where calls are audited.
   */
  (context?: McpRequestContext & ServingContext): McpServer;
  /** What every server from this factory offers, before roles narrow it. */
  readonly offered: readonly Offered[];
  /** The live statistics every server from this factory records into. */
  readonly stats: ToolStats;
  /** Removes the server's own secrets from text (audit previews of calls refused before they reach a server). */
  readonly redact?: (text: string) => string;
  /** How to send less when a request is over the size limits, in this server's terms (the blueprint's). */
  readonly largeRequestAdvice?: string;
  /** Why no call can be served now (the blueprint's), for the health check; undefined when all is well. */
  readonly unhealthy?: () => string | undefined;
  /**
   * Be told when the resource list changes (the HTTP layer tells 2026-07-28 listeners); returns the unsubscribe.
   * `hearing`, when given, says whether anyone this listener tells is there now (an open listen stream), and when
   * that turns.
   */
  onResourcesChanged(listener: () => void, hearing?: Audience): () => void;
  /** Start background preparation; the bins call it once they serve (never while a startup snapshot is made). */
  warm?(): void;
  /**
   * Stop the tool calls still running — each is answered that the server is shutting down (running-calls.ts) — and
   * release what the servers share; resolves once both are done.
   */
  close(): Promise<void>;
}

/** What the serving layer hands each new server besides the SDK's context. */
export interface ServingContext {
  /** Where each request the server answers writes its audit line. */
  audit?: AuditLog;
  /** The server is a 2025-era HTTP session: it lives on, but beside other clients' sessions. */
  session?: boolean;
}

/** The same factory, with each server it builds writing each request it answers to `audit`. */
export function auditedFactory(factory: ServerFactory, audit: AuditLog): ServerFactory {
  return Object.assign(
    (context?: McpRequestContext & ServingContext) =>
      factory({ ...context, audit } as McpRequestContext & ServingContext),
    factory,
  );
}

/** The factory form of a blueprint: each call builds a cheap server over the shared tools, prompts and resources. */
export function serverFactory(blueprint: ServerBlueprint): ServerFactory {
  const stats = new ToolStats();
  const resources = {
    resources: [
      ...(blueprint.resources?.resources ?? []),
      statsResource(blueprint.statsUri ?? `${blueprint.info.name}://stats`, stats),
    ],
    templates: blueprint.resources?.templates ?? [],
  };
  const prompts = promptSet(blueprint.prompts ?? []);
  const running = new RunningCalls();
  const redact = blueprint.redact ? (text: string) => blueprint.redact?.(text) ?? text : undefined;
  const listChanged = blueprint.onResourcesChanged !== undefined;
  // Servers that may be told of changes: stdio connections and 2025-era sessions live on; per-request servers go.
  const live = new Set<McpServer>();
  const listeners = new Map<() => void, Audience | undefined>();
  // Told when a live server connects or closes, and when a listener's own audience turns.
  const audience = new AudienceSignal(
    () =>
      [...live].some((server) => server.isConnected()) ||
      [...listeners.values()].some((hearing) => hearing?.listening() === true),
  );
  blueprint.onResourcesChanged?.(() => {
    for (const server of live) server.sendResourceListChanged();
    for (const listener of listeners.keys()) listener();
  }, audience);

  const build = (context?: McpRequestContext & ServingContext) => {
    const extra = context?.authInfo?.extra;
    // A caller whose token grants nothing gets empty lists; its instructions (initialize, server/discover) say why.
    const nothing =
      typeof extra?.nothingGranted === "string" ? `This server offers you nothing: ${extra.nothingGranted}.` : "";
    const info = nothing
      ? { ...blueprint.info, instructions: [nothing, blueprint.info.instructions].filter(Boolean).join("\n\n") }
      : blueprint.info;
    // A server per HTTP request carries the request's info; a 2025 session lives on, beside other clients' sessions.
    const lives = !context?.requestInfo;
    const server = createMcpServer(info, {
      perCaller: context?.authInfo !== undefined,
      // Only a shared token's roles are fixed (writer, for every holder); others change with a new token or a reload.
      rolesMayChange: context?.authInfo !== undefined && callerOf(context.authInfo)?.shared !== true,
      prompts: prompts.prompts.length > 0,
      // Only where a change can be told: a live connection or session, or a 2026-07-28 client's listen stream. A
      // 2025-era client over stateless HTTP has no stream to hear it on, so it is not promised one.
      resources: { listChanged: listChanged && (lives || context?.era !== "legacy") },
    });
    const roles = allowedOf(context?.authInfo);
    // A server built for one HTTP request of tool calls only (extra.calls, from the gate) registers just those
    // tools: the SDK builds a server per request, and registering every tool, prompt and resource cost more than
    // the call itself. A 2025 session, or a request for anything else, gets all the caller may use.
    const calls =
      context?.requestInfo && !context.session ? (extra?.calls as ReadonlySet<string> | undefined) : undefined;
    const allowed = calls ? new Set([...calls].filter((name) => !roles || roles.has(name))) : roles;
    const audit = context?.audit ? auditConnection(server, context.audit, redact, () => running.stopping) : undefined;
    blueprint.tools.register(server, {
      ...(allowed ? { allowed } : {}),
      ...(calls ? { callable: roles ?? null } : {}),
      ...(audit ? { audit } : {}),
      ...(redact ? { redact } : {}),
      stats,
      running,
    });
    prompts.register(server, allowed);
    registerResources(server, resources, allowed, stats);
    blueprint.setup?.(server, { connection: lives && !context?.session });
    // Before the explainers below, so a span's error is the answer the client gets.
    observeRequests(server, stats, {
      offersPrompt: (name) => (!allowed || allowed.has(name)) && prompts.prompts.some((p) => p.name === name),
      session: context?.session ? "tcp" : lives ? "pipe" : undefined,
    });
    // Last, so whatever watches answers (the audit trail, tools' telemetry) sees this answer, not the SDK's.
    explainInvalidParams(server);
    explainUnknownMethods(server);
    // Only a connection or session can be asked a question that waits: a 2025 request over stateless HTTP cannot.
    if (lives) explainUnansweredQuestions(server);
    if (listChanged && lives) {
      live.add(server);
      const connect = server.connect.bind(server);
      server.connect = async (transport) => {
        await connect(transport);
        audience.changed();
      };
      const previous = server.server.onclose;
      server.server.onclose = () => {
        live.delete(server);
        previous?.();
        audience.changed();
      };
    }
    return server;
  };
  const offered: Offered[] = [
    ...blueprint.tools.tools.map((tool) => ({
      name: tool.name,
      kind: "tool" as const,
      readOnly: tool.annotations.readOnlyHint,
    })),
    ...prompts.prompts.map((p) => ({ name: p.name, kind: "prompt" as const, readOnly: true })),
    ...resources.resources.map((r) => ({ name: r.name, kind: "resource" as const, readOnly: true, uri: r.uri })),
    ...resources.templates.map((t) => ({
      name: t.name,
      kind: "resource" as const,
      readOnly: true,
      uriTemplate: t.uriTemplate,
    })),
  ];
  let closing: Promise<void> | undefined;
  return Object.assign(build, {
    offered,
    stats,
    ...(redact ? { redact } : {}),
    ...(blueprint.largeRequestAdvice ? { largeRequestAdvice: blueprint.largeRequestAdvice } : {}),
    ...(blueprint.unhealthy ? { unhealthy: () => blueprint.unhealthy?.() } : {}),
    onResourcesChanged: (listener: () => void, hearing?: Audience) => {
      listeners.set(listener, hearing);
      const unwatch = hearing?.onChange(() => audience.changed());
      audience.changed();
      return () => {
        listeners.delete(listener);
        unwatch?.();
        audience.changed();
      };
    },
    ...(blueprint.warm ? { warm: () => blueprint.warm?.() } : {}),
    // Both at once: what the calls run on (the SQLite executor) answers them as it closes.
    close: () => (closing ??= Promise.all([running.stop(), blueprint.close?.()]).then(() => {})),
  });
}
