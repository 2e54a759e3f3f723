/**
 * Who could be told of a change now. A blueprint that looks for changes made elsewhere (SQLite's schema poll) asks
 * `listening()`, and through `onChange` learns when that may have turned: it stops its timer while nobody could be
 * told and starts it again when someone could, instead of waking every few seconds to ask.
 */
export interface Audience {
  /** A client could be told of a change now: a connection, a 2025 session or a listen stream is open. */
  listening(): boolean;
  /** Call `changed` whenever listening() may have turned (it need not have); returns the unsubscribe. */
  onChange(changed: () => void): () => void;
}

/** An Audience whose owner says when what listening() counts has changed, by calling `changed()`. */
export class AudienceSignal implements Audience {
  readonly #watchers = new Set<() => void>();
  readonly #listening: () => boolean;

  constructor(listening: () => boolean) {
    this.#listening = listening;
  }

  listening(): boolean {
    return this.#listening();
  }

  onChange(changed: () => void): () => void {
    this.#watchers.add(changed);
    return () => void this.#watchers.delete(changed);
  }

  /** What listening() counts changed: tell the watchers. */
  changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}
