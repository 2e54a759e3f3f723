import { InMemoryServerEventBus, type ServerEvent, type ServerEventBus } from "@modelcontextprotocol/server";
import { AudienceSignal } from "./audience.js";

/**
 * The SDK's in-process event bus, counting the 2026-07-28 `subscriptions/listen` streams subscribed to it: those are
 * the only stateless HTTP clients a change can reach, so `audience` listens exactly while one is open.
 */
export class ListenBus implements ServerEventBus {
  readonly #bus = new InMemoryServerEventBus();
  #open = 0;
  readonly audience = new AudienceSignal(() => this.#open > 0);

  publish(event: ServerEvent): void {
    this.#bus.publish(event);
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    const unsubscribe = this.#bus.subscribe(listener);
    this.#open++;
    this.audience.changed();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      unsubscribe();
      this.#open--;
      this.audience.changed();
    };
  }
}
