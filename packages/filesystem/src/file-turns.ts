/**
 * Calls that read a file and write it back (edit_file) take turns per file, in the order they came: a model's
 * parallel edits of one file would otherwise each read the same text and each write back only its own change, so
 * all but the last were lost while every call said "edited". Other files go on meanwhile. One per server (it lives in
 * the server's context), shared by its connections.
 */
export class FileTurns {
  readonly #tails = new Map<string, Promise<void>>();

  /** Run `task` once the earlier tasks for `key` (a file's real path) have settled; its result or error is passed on. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Files with a task running or waiting. */
  get size(): number {
    return this.#tails.size;
  }
}
