import { pathToFileURL } from "node:url";
import type Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { CreateMessageRequestParams, CreateMessageResult, LoggingLevel } from "@modelcontextprotocol/client";
import type { AgentConfig } from "./config.js";
import { type AskLine, answersShown, askForm } from "./elicit.js";
import { LOG_LINES_PER_WINDOW, LOG_WINDOW_MS, logLimiter } from "./log-limit.js";
import { oneLine } from "./one-line.js";
import { paint } from "./paint.js";
import type { Renderer } from "./render.js";
import type { HostHooks } from "./servers.js";
import type { RunStats } from "./summary.js";
import { recordTokens } from "./telemetry.js";
import { printable } from "./terminal-text.js";

/** Output tokens one sampling request may use, whatever the server asks for. */
export const SAMPLING_MAX_TOKENS = 4096;

const LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** Is a server's log message shown: warnings and worse always, everything with --verbose. */
export function showsLog(level: LoggingLevel, verbose: boolean): boolean {
  return verbose || LEVELS.indexOf(level) >= LEVELS.indexOf("warning");
}

/** Whether a server's question can be asked in this run: not with --json, in CI, or when stdin is not a terminal. */
export function canAsk(json: boolean, env: Record<string, string | undefined>, stdinIsTTY: boolean): boolean {
  return !json && !env.CI && stdinIsTTY;
}

/** What the host side needs from the run. */
export interface HostDeps {
  config: AgentConfig;
  renderer: Renderer;
  stats: RunStats;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** A terminal to ask on, or undefined (no TTY, --json, CI): then elicitation is not offered to servers. */
  ask: AskLine | undefined;
  /** Runs a whole form with no other question (another server's, or --ask's) in between. */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /** The Messages API client, once it exists (sampling before it does is refused). */
  client: () => Anthropic | undefined;
  color: boolean;
}

/**
 * The agent's answers to what servers ask of it: elicitation on the terminal (not offered without one), the workspace
 * as the one root, log messages on stderr, and sampling through the run's model when --allow-sampling is given.
 */
export function hostHooks(deps: HostDeps): HostHooks {
  const { config, renderer } = deps;
  let sampled = 0;
  const limitLog = logLimiter();
  return {
    roots: [{ uri: pathToFileURL(config.workspace).href, name: "workspace" }],
    elicit: deps.ask && elicitOn(deps.ask),
    onLog: (server, level, data, logger) => {
      if (!showsLog(level, config.verbose)) return;
      // --verbose shows every message; otherwise a server logging in a loop is held to a budget per window.
      const verdict = config.verbose ? "show" : limitLog(server);
      if (verdict === "hold-from-here") {
        const held = `[${server}] more than ${LOG_LINES_PER_WINDOW} log messages in ${LOG_WINDOW_MS / 1000} s: the rest of them are not shown (--verbose shows all)`;
        deps.stderr.write(`${paint(deps.color, "dim", printable(held))}\n`);
      }
      if (verdict !== "show") return;
      const text = `[${server}${logger ? `/${logger}` : ""}] ${level}: ${oneLine(data, 500)}`;
      deps.stderr.write(`${paint(deps.color, "dim", text)}\n`);
    },
    sample: config.allowSampling ? (server, params) => sample(server, params) : undefined,
  };

  /** Each question asked on the terminal, one whole form at a time. */
  function elicitOn(ask: AskLine): NonNullable<HostHooks["elicit"]> {
    return async (server, params, callsEnded) => {
      // A question whose calls have all ended (timed out, say) is for nothing: it is withdrawn, not left to take the
      // lines typed next.
      const result = await deps.exclusive(async () => {
        if (callsEnded?.aborted) return undefined;
        const until = (question: string) => ask(question, callsEnded);
        return askForm(server, params, until, (line) => deps.stderr.write(`${printable(line)}\n`)).catch((error) => {
          if (!callsEnded?.aborted) throw error;
          return undefined;
        });
      });
      if (result === undefined) {
        renderer.notice(`${server}'s question was withdrawn: the call it was asked for has ended`);
        return { action: "cancel" };
      }
      const answers = result.action === "accept" ? answersShown(params, result.content) : "";
      renderer.notice(`${server} asked for input; the user chose ${result.action}${answers && ` (${answers})`}`);
      return result;
    };
  }

  async function sample(server: string, params: CreateMessageRequestParams): Promise<CreateMessageResult> {
    const client = deps.client();
    const left = config.samplingBudget - sampled;
    if (left <= 0 || !client) {
      const why = client
        ? `the run's sampling budget of ${config.samplingBudget} tokens is spent (--sampling-budget)`
        : "the agent is not ready to sample yet";
      renderer.notice(`${server} asked to sample; refused: ${why}`);
      throw new Error(`sampling refused: ${why}`);
    }
    const messages: MessageParam[] = params.messages.map((m) => ({
      role: m.role,
      content: (Array.isArray(m.content) ? m.content : [m.content]).map((c) =>
        c.type === "text"
          ? { type: "text" as const, text: c.text }
          : { type: "text" as const, text: `[${c.type} content omitted]` },
      ),
    }));
    const maxTokens = Math.max(1, Math.min(params.maxTokens, SAMPLING_MAX_TOKENS, left));
    const message = await client.messages.create({
      model: config.model,
      max_tokens: maxTokens,
      messages,
      ...(params.systemPrompt ? { system: params.systemPrompt } : {}),
      ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
      ...(params.stopSequences ? { stop_sequences: params.stopSequences } : {}),
    });
    deps.stats.addUsage(message.usage);
    recordTokens(config.model, message.usage);
    sampled += message.usage.input_tokens + message.usage.output_tokens;
    const text = message.content
      .filter((b) => b.type === "text")
      .map((b) => b.text)
      .join("");
    const asked = messages.at(-1)?.content;
    const question = Array.isArray(asked) ? asked.map((c) => ("text" in c ? c.text : "")).join(" ") : "";
    renderer.notice(
      `${server} sampled the model (${message.usage.input_tokens} in, ${message.usage.output_tokens} out; ${Math.max(0, config.samplingBudget - sampled)} of --sampling-budget left): ${oneLine(question, 120)} → ${oneLine(text, 200)}`,
    );
    return {
      role: "assistant",
      content: { type: "text", text },
      model: message.model,
      stopReason: message.stop_reason === "max_tokens" ? "maxTokens" : "endTurn",
    };
  }
}
