// Roots a 2025-era client declares (`roots/list`; deprecated in 2026-07-28, still sent by IDE clients). Without
// --root the client's roots replace the default workspace; with --root they may only narrow it. Pure: the caller
// resolves real paths first.
import { fileURLToPath } from "node:url";
import { isWithin } from "./path-policy.js";

/** What a client's roots may do: replace the default workspace, only narrow the configured roots, or nothing. */
export type ClientRootsMode = "replace" | "narrow" | "ignore";

/** One root a client offered: its URI, and its real path when it is a directory that exists. */
export interface OfferedRoot {
  uri: string;
  real?: string | undefined;
}

/** The roots to serve, and each offered root that was not taken, with why. */
export interface RootsChoice {
  roots: string[];
  ignored: { uri: string; reason: string }[];
}

/** The local path a root's URI names, or undefined for anything but a `file:` URI. */
export function rootPath(uri: string): string | undefined {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which roots to serve given what the client offered. The configured roots stay when nothing usable is offered,
 * so a client can narrow the workspace but never empty it or widen it.
 */
export function chooseRoots(
  configured: readonly string[],
  offered: readonly OfferedRoot[],
  mode: ClientRootsMode,
): RootsChoice {
  if (mode === "ignore") return { roots: [...configured], ignored: [] };
  const roots: string[] = [];
  const ignored: RootsChoice["ignored"] = [];
  for (const root of offered) {
    if (root.real === undefined) {
      ignored.push({ uri: root.uri, reason: "not an existing local directory" });
    } else if (mode === "narrow" && !configured.some((dir) => isWithin(root.real as string, dir))) {
      ignored.push({ uri: root.uri, reason: `outside the configured roots (${configured.join(", ")})` });
    } else if (!roots.includes(root.real)) {
      roots.push(root.real);
    }
  }
  return { roots: roots.length > 0 ? roots : [...configured], ignored };
}
