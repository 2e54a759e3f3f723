/** A CommonJS package imported from a split ESM bundle arrives as `default`; from source, as named exports. */
export function interop<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
