// Prompts: named, argument-taking message templates a client shows as slash commands. Defined once per server like
// tools, each argument with an optional completer for `completion/complete`.
import {
  completable,
  type GetPromptResult,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
} from "@modelcontextprotocol/server";
import { z } from "zod";
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
  /** Build the messages from live data; throw an Error with a clear message for a bad argument. */
  handler(args: Partial<Record<A, string>>): Promise<GetPromptResult>;
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
      for (const { prompt, argsSchema } of built) {
        if (allowed && !allowed.has(prompt.name)) continue;
        server.registerPrompt(
          prompt.name,
          { title: prompt.title, description: prompt.description, argsSchema },
          (async (args: Record<string, string | undefined>) => {
            try {
              return await prompt.handler(args);
            } catch (error) {
              // A prompt throws for a bad argument: invalid params (-32602), not an internal error.
              if (error instanceof ProtocolError) throw error;
              throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${prompt.name}: ${errorMessage(error)}`);
            }
          }) as never,
        );
      }
    },
  };
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
