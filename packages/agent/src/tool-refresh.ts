import { message } from "./describe-failure.js";
import { schemaCheckFor } from "./meta-schema.js";
import type { PoolOptions } from "./pool-options.js";
import type { ServerHandle } from "./server-handle.js";
import { serverTools } from "./tool-listing.js";

/** How many tool names a new list adds and removes. */
export function toolListChange(before: Iterable<string>, after: Iterable<string>): { added: number; removed: number } {
  const was = new Set(before);
  const is = new Set(after);
  return {
    added: [...is].filter((n) => !was.has(n)).length,
    removed: [...was].filter((n) => !is.has(n)).length,
  };
}

/**
 * Re-list a server's tools after its change signal, after any refresh still under way; the transcript says what
 * changed (with `quietIfSame`, only if a tool came or went), and onChanged is told once the handle holds the new list.
 * Signals that come while a refresh waits to begin join it: it reads the list they tell of, so a server sending
 * thousands of them costs a listing (and a line) per round trip, not one each.
 */
export function refreshTools(
  handle: ServerHandle,
  options: Pick<PoolOptions, "startupTimeoutMs" | "onNotice">,
  onChanged: () => void,
  { quietIfSame = false } = {},
): void {
  const client = handle.client;
  if (!client) return;
  if (handle.refreshQueued) {
    handle.refreshQueued.quietIfSame &&= quietIfSame;
    return;
  }
  const queued = { quietIfSame };
  handle.refreshQueued = queued;
  const previous = handle.refreshing ?? Promise.resolve();
  handle.refreshing = previous
    .then(async () => {
      // Begun: a signal from now on may tell of a list newer than the one this reads, so it queues another.
      handle.refreshQueued = undefined;
      const check = await schemaCheckFor(handle.spec);
      const tools = await serverTools(
        client,
        handle.spec.name,
        options.startupTimeoutMs,
        options.onNotice,
        true,
        check,
      );
      const { added, removed } = toolListChange(
        handle.tools.map((t) => t.name),
        tools.map((t) => t.name),
      );
      handle.tools = tools;
      onChanged();
      if (!queued.quietIfSame || added + removed > 0) {
        options.onNotice?.(`${handle.spec.name}: tools changed (+${added}, \u2212${removed})`);
      }
    })
    .catch((error) => options.onNotice?.(`${handle.spec.name}: its new tool list could not be read: ${message(error)}`))
    .finally(() => {
      if (handle.refreshing === refreshing) handle.refreshing = undefined;
    });
  const refreshing = handle.refreshing;
}
