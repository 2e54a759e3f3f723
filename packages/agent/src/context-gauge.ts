import type { MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { weightOf } from "./history-fit.js";

/**
 * How full the model's context will be on the next request, so that a long session is shortened before the API has
 * to refuse it (history-fit.ts). The model's context window comes from a refusal that said it (exact, for this run's
 * model and options) or else from the Models API's `max_input_tokens` (model-facts.ts). The window holds the prompt
 * and the reply's max_tokens together: the API refuses a request whose prompt + max_tokens is over it, so a prompt
 * has the window less max_tokens (room()). The next request's size is the last reply's measured prompt plus an
 * estimate of what was added since: the reply itself, tool results, the next ask.
 */
export class ContextGauge {
  private said: number | undefined;
  private listed: number | undefined;
  private lastInput: number | undefined;
  private sentLength = 0;
  /** The largest prompt the API took in this run: a listed maximum below it is not the model's (a gateway's figure). */
  private taken = 0;

  /** The context window, in tokens, that the Models API lists for the model (its `max_input_tokens`). */
  list(maxInput: number): void {
    this.listed = maxInput;
  }

  /** The context window, in tokens, that a refusal of this run's request said. */
  learn(window: number): void {
    this.said = window;
  }

  /**
   * The model's context window in tokens, when known. A listed window that a prompt the API took was over is
   * disproved: trusted, it would have every request shortened to a fraction of what the model holds.
   */
  get limit(): number | undefined {
    return this.said ?? (this.listed !== undefined && this.listed >= this.taken ? this.listed : undefined);
  }

  /**
   * The largest prompt a request asking for `maxTokens` of reply may carry: the window less them. Undefined when the
   * window is unknown, or max_tokens fills it (no shortening makes room: the API's answer decides).
   */
  room(maxTokens: number): number | undefined {
    const window = this.limit;
    return window !== undefined && window > maxTokens ? window - maxTokens : undefined;
  }

  /**
   * The context window a refusal said, when a reply of `maxTokens` fills it, so that no prompt fits beside it and the
   * API refuses every request. A listed window is not enough: a gateway may list a figure that is not its model's.
   */
  filledBy(maxTokens: number): number | undefined {
    return this.said !== undefined && this.said <= maxTokens ? this.said : undefined;
  }

  /** A reply came to a request of `sentLength` messages whose whole prompt was `inputTokens`. */
  replied(inputTokens: number, sentLength: number): void {
    this.lastInput = inputTokens;
    this.sentLength = sentLength;
    this.taken = Math.max(this.taken, inputTokens);
  }

  /** The history was changed otherwise than by adding to it (shortened, cleared): the last measure is void. */
  forget(): void {
    this.lastInput = undefined;
  }

  /** Estimated prompt tokens of a request with `messages`, or undefined when no reply to this history was measured. */
  estimate(messages: readonly MessageParam[]): number | undefined {
    if (this.lastInput === undefined || messages.length < this.sentLength) return undefined;
    return this.lastInput + weightOf(messages.slice(this.sentLength));
  }
}
