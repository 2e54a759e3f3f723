import type { MessageParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { errorLine } from "./api.js";
import { EXIT, Interrupted } from "./errors.js";
import { type LoopDeps, runLoop } from "./loop.js";

/** A conversation over one set of servers: a single task, or many typed lines sharing the history. */
export class Session {
  readonly messages: MessageParam[] = [];
  /** The model's last text. */
  result = "";
  /** Why the last task did not finish, in one line. */
  reason: string | undefined;

  constructor(
    private readonly deps: LoopDeps,
    private readonly verbose: boolean,
  ) {}

  /** Run one user turn (text, or text and attached resources) to completion; returns its exit code. Throws only Interrupted. */
  async ask(task: string | TextBlockParam[]): Promise<number> {
    this.reason = undefined;
    try {
      const last = this.messages.at(-1);
      // After a turn limit the history ends with tool results: add the text to that user message.
      if (last?.role === "user" && Array.isArray(last.content))
        last.content.push(...(typeof task === "string" ? [{ type: "text" as const, text: task }] : task));
      else this.messages.push({ role: "user", content: task });
      const outcome = await runLoop(this.messages, this.deps);
      this.result = outcome.text;
      if (outcome.status === "done") return EXIT.ok;
      this.reason =
        outcome.status === "max_turns"
          ? `stopped: reached --max-turns ${this.deps.maxTurns} before the task was done; raise --max-turns or split the task`
          : outcome.reason;
      this.deps.renderer.notice(this.reason);
      return outcome.status === "max_turns" ? EXIT.maxTurns : EXIT.failed;
    } catch (error) {
      if (this.deps.signal.aborted) throw new Interrupted(EXIT.interrupted);
      this.reason = errorLine(error, this.verbose);
      this.deps.renderer.notice(this.reason);
      return EXIT.failed;
    }
  }
}
