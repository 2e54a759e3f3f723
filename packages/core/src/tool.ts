import type { CallToolResult, McpServer, ServerContext, StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { askedAnswer, watchAskedCalls } from "./asked-calls.js";
import type { AuditLog } from "./audit-log.js";
import { type Confirmation, confirmer, InputNeeded } from "./confirm.js";
import { createProgress, noProgress, type Progress, type ProgressTiming } from "./progress.js";
import { CANCELLED_BY_CLIENT, fail, refuse, thrownMessage, thrownRefusal, toolResultProblem } from "./results.js";
import type { RunningCalls } from "./running-calls.js";
import { compileSchema, deferValidation, validateArguments } from "./schema.js";
import type { SettingNames } from "./setting-names.js";
import { callEnd } from "./tool-outcome.js";
import { checkToolShapes } from "./tool-shape.js";
import type { ToolStats } from "./tool-stats.js";
import { callVia, observedHandler } from "./tool-telemetry.js";
import { explainUnaskableCalls, unaskableMessage } from "./unaskable-question.js";
import { explainUnknownTools, observeUnknownTools } from "./unknown-tool.js";

/** The four behaviour hints every tool declares, so clients can gate it. */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a tool's handler gets besides its arguments: the abort signal, progress, and a way to ask the user. */
export interface ToolCall {
  /**
   * Aborts when the client cancels the call or goes away, or the server stops (its reason is then ShuttingDown, and
   * the call is answered so); stop the work then.
   */
  signal: AbortSignal;
  /** Progress for the client, when it asked for it (a progress token); a no-op otherwise. */
  progress: Progress;
  /**
   * Ask the user to confirm `question` (MCP elicitation) and get their answer, or `unsupported` when the client
   * cannot be asked. The handler is run again from the start once the answer is in, so what it does before
   * asking must be safe to repeat (look, never change).
   */
  confirm(question: string): Promise<Confirmation>;
}

/** Everything about one tool in one object: name, title, prompt-quality description, schemas, hints, handler. */
export interface ToolDefinition<
  In extends z.ZodRawShape = z.ZodRawShape,
  Out extends z.ZodRawShape | undefined = z.ZodRawShape | undefined,
> {
  name: string;
  /** A short human name, shown by Claude Desktop and the Inspector. */
  title: string;
  description: string;
  inputSchema: In;
  outputSchema?: Out;
  annotations: ToolHints;
  handler: (args: z.infer<z.ZodObject<In>>, call: ToolCall) => Promise<CallToolResult>;
}

/** Identity helper that keeps a tool's argument types inferred from its input schema. */
export function defineTool<In extends z.ZodRawShape, Out extends z.ZodRawShape | undefined = undefined>(
  tool: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
  return tool;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of tools, each checked at its definition.
type AnyTool = ToolDefinition<any, any>;

/** What serving adds to a registration: the tools a caller may use, and the trail its calls go to. */
export interface Registration {
  /** Register only these tools (the caller's roles); all by default. */
  allowed?: ReadonlySet<string>;
  /**
   * The tools the caller may use, when `allowed` holds fewer (a server built for one request's calls): what a call of
   * a tool that is not there is told to use instead. `null`: all of them.
   */
  callable?: ReadonlySet<string> | null;
  /** Write one line per call here. */
  audit?: AuditLog;
  /** Removes secrets from the audit trail's argument previews (the HTTP server's credentials). */
  redact?: (text: string) => string;
  /** Count each call here (the stats resource). */
  stats?: ToolStats;
  /** Track each call here, so that the server stopping answers it (the factory's close). */
  running?: RunningCalls;
}

/** Tools with their schemas compiled once, ready to register on any number of servers. */
export interface ToolSet {
  readonly tools: readonly AnyTool[];
  /** Register the tools on `server`: all, or those a caller may use. */
  register(server: McpServer, registration?: Registration): void;
}

/** How a set of tools reports progress, and names the server's settings in what it says. */
export interface ToolSetOptions {
  timing?: ProgressTiming;
  /** A bin's flags or a library's options (the default), as for `unconfirmed`. */
  names?: SettingNames;
}

/**
 * Compile tools once for every server that will offer them (with SDK v2 that is a fresh server per HTTP request):
 * their JSON Schemas are converted on first listing and shared. A handler that throws becomes an `isError` result
 * naming the tool, so an unexpected failure never takes the session down.
 */
export function toolSet(tools: readonly AnyTool[], { timing, names }: ToolSetOptions = {}): ToolSet {
  for (const tool of tools) checkToolShapes(tool);
  const compiled = tools.map((tool) => ({
    tool,
    input: compileSchema(tool.inputSchema, "input"),
    argumentNames: Object.keys(tool.inputSchema),
    output: tool.outputSchema ? compileSchema(tool.outputSchema, "output") : undefined,
  }));
  return {
    tools,
    register(server, registration = {}) {
      const { allowed, audit, redact, stats, callable, running } = registration;
      // The tools this caller may use, to name the one that takes an argument another refused; worked out only then.
      const siblings = () =>
        compiled
          .filter(({ tool }) => !allowed || allowed.has(tool.name))
          .map(({ tool, argumentNames }) => ({ name: tool.name, argumentNames }));
      const offered = new Set<string>();
      const unaskable = explainUnaskableCalls(server);
      const waiting = watchAskedCalls(server, running);
      for (const { tool, input, argumentNames, output } of compiled) {
        if (allowed && !allowed.has(tool.name)) continue;
        offered.add(tool.name);
        server.registerTool(
          tool.name,
          {
            title: tool.title,
            description: tool.description,
            inputSchema: deferValidation(input),
            ...(output ? { outputSchema: output as StandardSchemaWithJSON } : {}),
            annotations: tool.annotations,
          },
          observedHandler(server, tool.name, stats, async (args: unknown, ctx: ServerContext) => {
            const started = performance.now();
            waiting.resumed(ctx.mcpReq.id);
            // The work, to its result (an unexpected throw included), or the question the handler asks the user.
            const attempt = async (signal: AbortSignal): Promise<CallToolResult | InputNeeded> => {
              try {
                // Cancelled before it began (a 2025 session's cancel that overtook its call): nothing is started.
                if (ctx.mcpReq.signal.aborted)
                  return fail(`${tool.name} was not run: ${CANCELLED_BY_CLIENT} before it started`);
                const checked = await validateArguments(input, args, tool.name, argumentNames, siblings);
                const result = checked.ok
                  ? await tool.handler(checked.value as never, toolCall(server, ctx, signal, timing))
                  : fail(checked.message);
                const wrong = toolResultProblem(result);
                return wrong ? fail(`${tool.name} failed: ${wrong}`) : result;
              } catch (error) {
                if (error instanceof InputNeeded) return error;
                // A thrown refusal (an error with a `refusal` cause word, like the filesystem's sandbox) counts as one.
                const message = `${tool.name} failed: ${thrownMessage(error)}`;
                const cause = thrownRefusal(error);
                return cause !== undefined ? refuse(message, cause) : fail(message);
              }
            };
            // One audit line per call, of what its client is told.
            const audited = (
              result: CallToolResult,
              how: { durationMs: number } & ({ asked: true } | { cancelled: boolean }),
            ) =>
              audit?.toolCall({
                tool: tool.name,
                args,
                result,
                authInfo: ctx.http?.authInfo,
                rpcId: ctx.mcpReq.id,
                redact,
                ...how,
              });
            // How the call ended, in the stats and the audit trail: `answer` is what its client is told.
            const finished = (answer: CallToolResult, durationMs: number, cancelled: boolean) => {
              const end = callEnd(answer, cancelled);
              if (stats) {
                const bytes = Buffer.byteLength(JSON.stringify(answer));
                const via = stats.listened ? callVia(server, ctx) : undefined;
                stats.recordCall(tool.name, durationMs, end.outcome, bytes, end.cause, via);
              }
              audited(answer, { durationMs, cancelled });
              return end;
            };
            // Tracked, so that a server stopping answers the call that it is shutting down (running-calls.ts).
            const call = running?.begin(ctx.mcpReq.signal);
            try {
              const done = call
                ? await call.answer(attempt(call.signal), tool.name, tool.annotations.readOnlyHint)
                : await attempt(ctx.mcpReq.signal);
              // The handler asked the user something: hand the question to the client; it runs again with the answer.
              if (done instanceof InputNeeded && done.askable) {
                // An elicitation carries no content: it is neither an error nor a refusal.
                const asking: CallToolResult = { content: [] };
                audited(asking, { durationMs: performance.now() - started, asked: true });
                // A 2025-era call waits on the answer in this request, and may end without running again.
                if (ctx.mcpReq.envelope === undefined) {
                  waiting.asked(ctx.mcpReq.id, ctx.mcpReq.signal, (how) => {
                    const { answer, cancelled } = askedAnswer(tool.name, how, running?.stopping === true);
                    finished(answer, performance.now() - started, cancelled);
                  });
                }
                return { result: done.result, end: callEnd(asking, ctx.mcpReq.signal.aborted) };
              }
              // A question its client cannot be asked: the SDK answers -32021, counted as the refusal it is.
              let answer = done as CallToolResult;
              if (done instanceof InputNeeded) {
                const message = unaskableMessage(done.question, names);
                unaskable.refused(ctx.mcpReq.id, message);
                answer = refuse(message, "unconfirmable");
              }
              const end = finished(answer, performance.now() - started, ctx.mcpReq.signal.aborted);
              return { result: done instanceof InputNeeded ? done.result : done, end };
            } finally {
              call?.end();
            }
          }) as never,
        );
      }
      observeUnknownTools(server, offered, stats);
      // A server built for one request's calls registers only those; the caller may use more (`callable`).
      explainUnknownTools(server, () =>
        callable === undefined
          ? offered
          : new Set(tools.map(({ name }) => name).filter((name) => callable === null || callable.has(name))),
      );
    },
  };
}

/** Register tools on one server (compiles their schemas; use toolSet to share the work across servers). */
export function registerTools(server: McpServer, tools: readonly AnyTool[]): void {
  toolSet(tools).register(server);
}

/** The SDK's request context as the narrow view a tool handler needs. */
function toolCall(server: McpServer, ctx: ServerContext, signal: AbortSignal, timing?: ProgressTiming): ToolCall {
  const confirm = confirmer(server, ctx);
  const token = ctx.mcpReq._meta?.progressToken;
  if (token === undefined) return { signal, progress: noProgress, confirm };
  const progress = createProgress((update) => {
    // A progress notification that cannot be delivered (the client went away) must not fail the call.
    ctx.mcpReq
      .notify({ method: "notifications/progress", params: { progressToken: token, ...update } })
      .catch(() => {});
  }, timing);
  return { signal, progress, confirm };
}
