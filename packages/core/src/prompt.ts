// Prompts: named, argument-taking message templates a client shows as slash commands. Defined once per server like
// tools, each argument with an optional completer for `completion/complete`.
import {
  completable,
  type GetPromptResult,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { explainErrors } from "./request-watch.js";
import { errorMessage } from "./results.js";
import { notTaken } from "./schema.js";

/** At most this many completion values are returned (the protocol's own cap). */
export const MAX_COMPLETIONS = 100;

/** Suggests values for an argument from what has been typed, and the other arguments filled in so far. */
export type Completer = (value: string, others: Readonly<Record<string, string>>) => string[] | Promise<string[]>;

/** One argument of a prompt. Prompt arguments are strings. */
export interface PromptArgument {
  description: string;
  /** Optional arguments may be left out. Default: required. */
  optional?: boolean;
  complete?: Completer;
}

/** Everything about one prompt in one object. */
export interface PromptDefinition<A extends string = string> {
  name: string;
  title: string;
  description: string;
  arguments: Record<A, PromptArgument>;
  /**
   * Build the messages from live data; throw an Error with a clear message for a bad argument. `request.signal` aborts
   * when the client cancels the `prompts/get` or goes away: long work (a search) stops then.
   */
  handler(args: Partial<Record<A, string>>, request: PromptRequest): Promise<GetPromptResult>;
}

/** What a prompt's handler gets besides its arguments. */
export interface PromptRequest {
  signal: AbortSignal;
}

/** Identity helper that keeps a prompt's argument names typed. */
export function definePrompt<A extends string>(prompt: PromptDefinition<A>): PromptDefinition<A> {
  return prompt;
}

/**
 * Each value once, all of them: the SDK sends the first MAX_COMPLETIONS and counts the rest into `total` and
 * `hasMore`, so cutting here would report a cut list as complete.
 */
export function completionValues(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The completer the SDK calls: ours, given the other arguments as plain strings, each value once. */
export function sdkCompleter(complete: Completer) {
  return async (value: string, context?: { arguments?: Record<string, string> }) =>
    completionValues(await complete(value ?? "", context?.arguments ?? {}));
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of prompts, each checked at its definition.
type AnyPrompt = PromptDefinition<any>;

/** Prompts with their argument schemas built once, ready to register on any number of servers. */
export interface PromptSet {
  readonly prompts: readonly AnyPrompt[];
  /** Register the prompts on `server`: all, or those in `allowed` (a caller's roles). */
  register(server: McpServer, allowed?: ReadonlySet<string>): void;
}

/**
 * Build each prompt's argument schema once for every server that will offer it (a fresh server per HTTP request):
 * zod schemas built per request cost each request about 60 µs, and garbage collection as much again.
 */
export function promptSet(prompts: readonly AnyPrompt[]): PromptSet {
  const built = prompts.map((prompt) => ({ prompt, argsSchema: argsSchema(prompt) }));
  return {
    prompts,
    register(server, allowed) {
      const offered = built.filter(({ prompt }) => !allowed || allowed.has(prompt.name));
      for (const { prompt, argsSchema } of offered) {
        server.registerPrompt(prompt.name, { title: prompt.title, description: prompt.description, argsSchema }, ((
          args: Record<string, string | undefined>,
          ctx: ServerContext,
        ) => runPrompt(prompt, args, ctx.mcpReq.signal)) as never);
      }
      if (offered.length > 0) {
        servePromptsGet(server, offered);
        const names = offered.map(({ prompt }) => prompt.name);
        explainErrors(server, [ProtocolErrorCode.InvalidParams], (message) => unknownPromptMessage(message, names));
      }
    },
  };
}

/**
 * The SDK's answer to a `completion/complete` of a prompt this server does not offer ("Prompt x not found"), told the
 * prompts it offers, as `prompts/get` of one is. Undefined for any other message.
 */
export function unknownPromptMessage(message: string, names: readonly string[]): string | undefined {
  if (!/^Prompt .* not found$/s.test(message)) return undefined;
  return `${message}; this server offers ${names.join(", ")} (prompts/list describes each)`;
}

/** What `prompts/get` must carry for us to judge its arguments: a name, and arguments as an object of anything. */
const GET_PARAMS = z.looseObject({
  name: z.string({ error: "the prompt's name, as text (prompts/list shows them)" }),
  arguments: z.record(z.string(), z.unknown(), { error: "an object of text values" }).optional(),
});

/**
 * Our own `prompts/get`, replacing the SDK's (as core's `resources/list` does): the SDK checks the request against
 * the protocol's schema before any prompt sees it, and answers an argument that is not text (`{"path": 3}`) with an
 * internal error (-32603) holding zod's raw issue list. Here the prompt's own schema judges it: invalid params
 * (-32602), naming the argument ("path: must be text"), as a missing or misspelt one is.
 */
function servePromptsGet(server: McpServer, offered: readonly { prompt: AnyPrompt; argsSchema: z.ZodType }[]): void {
  server.server.setRequestHandler("prompts/get", { params: GET_PARAMS }, async ({ name, arguments: args }, ctx) => {
    const found = offered.find(({ prompt }) => prompt.name === name);
    if (!found) {
      const names = offered.map(({ prompt }) => prompt.name).join(", ");
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Prompt ${name} not found; this server offers ${names} (prompts/list describes each)`,
      );
    }
    const { prompt, argsSchema } = found;
    const parsed = argsSchema.safeParse(args ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) =>
        issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message,
      );
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid arguments for prompt ${name}: ${issues.join(", ")}`,
      );
    }
    return runPrompt(prompt, parsed.data as Record<string, string | undefined>, ctx.mcpReq.signal);
  });
}

/** Build a prompt's messages; a prompt throws for a bad argument: invalid params (-32602), not an internal error. */
async function runPrompt(
  prompt: AnyPrompt,
  args: Record<string, string | undefined>,
  signal: AbortSignal,
): Promise<GetPromptResult> {
  try {
    return await prompt.handler(args, { signal });
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${prompt.name}: ${errorMessage(error)}`);
  }
}

/** Register `prompts` on `server`, or those of them in `allowed` (builds their schemas; promptSet shares them). */
export function registerPrompts(server: McpServer, prompts: readonly AnyPrompt[], allowed?: ReadonlySet<string>): void {
  promptSet(prompts).register(server, allowed);
}

function argsSchema(prompt: AnyPrompt) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, arg] of Object.entries<PromptArgument>(prompt.arguments)) {
    // completable() wraps the string itself; optional() goes outside it, where the SDK looks for the completer.
    const base = z
      .string({ error: (issue) => (issue.input === undefined ? "a required argument, missing" : "must be text") })
      .describe(arg.description);
    const field = arg.complete ? completable(base, sdkCompleter(arg.complete)) : base;
    shape[name] = arg.optional ? field.optional() : field;
  }
  // An argument the prompt does not take is refused, naming the nearest it does, as a tool's are: dropped unsaid, a
  // misspelt one would build the prompt without it.
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? notTaken(issue.keys, known, "argument") : undefined),
  });
}
