// A call's hold on the server's body budget (memory-budget.ts), as the fetcher asks for it before reading a body.
import type { Holding } from "./budget-gate.js";
import type { ToolContext } from "./exchange.js";
import { FetchError } from "./fetch-errors.js";
import type { FetchRequest } from "./fetch-request.js";
import { bodyWaitMessage } from "./memory-budget.js";
import { effectiveMethod } from "./outgoing-request.js";

/**
 * The call's hold on the body budget, for the fetcher: a wait its time limit ended (not the client's cancelling)
 * fails naming the budget that made it wait.
 */
export function holdBody(
  ctx: Pick<ToolContext, "bodies" | "redact" | "settingNames">,
  request: FetchRequest,
  holding: Holding,
  cancelled: AbortSignal,
): NonNullable<FetchRequest["holdBody"]> {
  return async (bytes, signal) => {
    const started = performance.now();
    try {
      await holding.resize(bytes, signal);
    } catch (error) {
      if (cancelled.aborted || !signal.aborted) throw error;
      const waited = { ms: Math.round(performance.now() - started), bytes };
      const target = ctx.redact(`${effectiveMethod(request)} ${request.url.host}`);
      throw new FetchError(
        "timeout",
        bodyWaitMessage(target, waited, { ...ctx.bodies.state(), limit: ctx.bodies.limit }, ctx.settingNames),
      );
    }
  };
}
