import type { Consent } from "./permissions.js";

/** Asks the user about a call of `tool`: yes, no, or always (this tool, for the rest of the run). */
export type Confirm = (question: string, tool: string) => Promise<Consent>;

/**
 * The --ask questions of a run: one at a time, even when calls run in parallel, and a tool answered "always" is not
 * asked about again (a call queued behind that answer included).
 */
export class ConsentQueue {
  private last: Promise<unknown> = Promise.resolve();
  private readonly allowed = new Set<string>();

  constructor(
    private readonly confirm: Confirm | undefined,
    private readonly notice: (message: string) => void,
  ) {}

  /** Whether the user lets this call of `tool` run; `question` is built only when asked. Without a terminal: no. */
  allows(tool: string, question: () => string): Promise<boolean> {
    const confirm = this.confirm;
    if (!confirm) return Promise.resolve(false);
    const answer = this.last.then(async () => {
      if (this.allowed.has(tool)) return true;
      const consent = await confirm(question(), tool);
      if (consent === "always") {
        this.allowed.add(tool);
        this.notice(`${tool} is allowed without asking for the rest of this run`);
      }
      return consent !== "no";
    });
    this.last = answer.catch(() => {});
    return answer;
  }
}
