// Matchers shared by the packages' tests.
import { expect } from "vitest";

/** Matches a thrown TypeError whose message contains `message`: `expect(fn).toThrow(typeErrorWith("…"))`. */
export function typeErrorWith(message: string) {
  return expect.objectContaining({ name: "TypeError", message: expect.stringContaining(message) });
}
