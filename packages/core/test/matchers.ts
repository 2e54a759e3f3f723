// Matchers shared by the packages' tests.
import { expect } from "vitest";

/** Matches a thrown error of class `kind` itself (by name, so a TypeError is no Error) whose message contains `message`. */
export function errorWith(kind: { readonly name: string }, message: string) {
  return expect.objectContaining({ name: kind.name, message: expect.stringContaining(message) });
}

/** Matches a thrown TypeError whose message contains `message`: `expect(fn).toThrow(typeErrorWith("…"))`. */
export function typeErrorWith(message: string) {
  return errorWith(TypeError, message);
}
