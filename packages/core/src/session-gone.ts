// What a request naming a session this process does not have is told (sessions.ts). A session lives in the one
// process that opened it, so behind a load balancer without sticky routing a client's next request reaches another
// replica, which never had its session: "it expired or was closed" sent operators looking at idle timeouts instead of
// at the proxy. The ids this process ended are remembered (the latest ENDED_KEPT), so the two causes are told apart.
import type { SettingNames } from "./setting-names.js";

/** How many ended session ids are remembered: past that, the oldest is forgotten (and read as never opened here). */
export const ENDED_KEPT = 10_000;

/** The ids of sessions this process closed (expired, ended by their client, closed for room), the latest `kept`. */
export class EndedSessions {
  readonly #ids = new Set<string>();

  constructor(private readonly kept = ENDED_KEPT) {}

  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.kept) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }
}

/** The 404 message for a request naming a session this process does not have; `ended` when it closed that session. */
export function unknownSessionMessage(ended: boolean, names: SettingNames): string {
  if (ended) return "Session not found: it expired or was closed; initialize again";
  return `Session not found: this server process never opened it; it was opened by another replica (a session lives in one process: behind a load balancer, ${names("stateful", "true")} needs each client routed to the same replica) or before the server restarted; initialize again`;
}
