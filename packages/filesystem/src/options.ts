import {
  CONFIRM_RULE,
  type ConfirmMode,
  DEFAULT_MAX_IMAGE_BYTES,
  type Logger,
  MAX_IMAGE_SIDE,
  MAX_TIMER_MS,
  type OptionRule,
  type OptionRules,
  optionRule as rule,
  type SettingNames,
} from "@mcp-toolkit/core";
import type { ClientRootsMode } from "./client-roots.js";
import type { FileTurns } from "./file-turns.js";
import type { RootsGate } from "./roots-gate.js";
import type { Sandbox } from "./sandbox.js";
import type { VersionCache } from "./version-cache.js";

/** Options for createFilesystemServer. Every limit has a default; none is unbounded. */
export interface FilesystemServerOptions {
  /** Workspace root(s). Relative tool paths resolve against the first; nothing outside them is reachable. */
  root: string | readonly string[];
  /** Hide write_file, edit_file, create_directory, move_file and delete_file entirely. Default false. */
  readOnly?: boolean;
  /** Largest text response, in UTF-8 bytes; reads page beyond it. Default 65,536. */
  maxResponseBytes?: number;
  /**
   * Largest image (raw bytes) read_file returns as image content, and largest binary file a `file:///` resource read
   * returns as a base64 blob. Default 1,048,576.
   */
  maxImageBytes?: number;
  /**
   * Longest side, in pixels, of an image read_file returns as image content; a larger one is refused, as Claude's API
   * refuses it and the whole request with it. Default 8,000, that API's limit.
   */
  maxImageSide?: number;
  /** Largest file write_file writes, edit_file edits, or search_files greps. Default 10,485,760. */
  maxFileBytes?: number;
  /** Most files read_multiple_files takes in one call. Default 50. */
  maxFiles?: number;
  /** Most entries list_directory and directory_tree return. Default 1,000. */
  maxEntries?: number;
  /** Deepest directory_tree may go (its own default is 3). Default 10. */
  maxDepth?: number;
  /** Most hits search_files returns. Default 200. */
  maxResults?: number;
  /**
   * Most directory entries directory_tree and search_files visit before stopping, and list_directory reads of its one
   * directory. Default 50,000.
   */
  maxScanEntries?: number;
  /**
   * Longest one search_files or directory_tree call may run, in ms, globs and regex included; past it the call
   * returns what it found with a note. Default 30,000.
   */
  searchTimeoutMs?: number;
  /**
   * Paths relative to the roots (e.g. `.agent`) that no tool may read, write, move, delete or list, whichever way
   * they are reached (symlinks included). The agent hides its audit log this way. Default none.
   */
  hide?: readonly string[];
  /**
   * What a 2025-era client's roots (over stdio) do: `narrow` the roots (a client root outside them is ignored, with a
   * warning), `replace` them (the bin does this when no --root is given), or nothing (`ignore`). Default `narrow`.
   */
  clientRoots?: ClientRootsMode;
  /**
   * One of the roots, which the caller made for this server (the bin's default ./workspace). When a client's roots
   * replace it while it is still the empty folder that was made, it is removed, so nothing is left behind; it is made
   * again if the roots fall back to it. Default none.
   */
  createdRoot?: string;
  /** `destructive`: delete_file, and write_file over an existing file, ask the user first (MCP elicitation). Default `never`. */
  confirm?: ConfirmMode;
  /** How refusals name settings. Default: these options' names (`maxFileBytes`); the bin names its flags. */
  settingNames?: SettingNames;
  /** Where to log (stderr). Default silent. */
  logger?: Logger;
}

/** The resolved limits, every one a number. */
export interface Limits {
  maxResponseBytes: number;
  maxImageBytes: number;
  maxImageSide: number;
  maxFileBytes: number;
  maxFiles: number;
  maxEntries: number;
  maxDepth: number;
  maxResults: number;
  maxScanEntries: number;
  searchTimeoutMs: number;
}

/** Defaults for every limit. */
export const DEFAULT_LIMITS: Limits = {
  maxResponseBytes: 65_536,
  maxImageBytes: DEFAULT_MAX_IMAGE_BYTES,
  maxImageSide: MAX_IMAGE_SIDE,
  maxFileBytes: 10_485_760,
  maxFiles: 50,
  maxEntries: 1_000,
  maxDepth: 10,
  maxResults: 200,
  maxScanEntries: 50_000,
  searchTimeoutMs: 30_000,
};

/** The smallest value of a limit, where it is not 1: a reply needs room for its notes and paging hints. */
export const MIN_LIMITS: Partial<Limits> = { maxResponseBytes: 1024 };

/** The largest value of a limit, where it is not the largest safe integer: a time limit is a timer's. */
export const MAX_LIMITS: Partial<Limits> = { searchTimeoutMs: MAX_TIMER_MS };

/** One line per limit, for --help and the README. */
export const LIMIT_HELP: Record<keyof Limits, string> = {
  maxResponseBytes: "Largest text response in bytes (≥ 1024); longer reads are paged, lists cut with a count.",
  maxImageBytes: "Largest image read_file returns as image content, and binary file a resource read returns as a blob.",
  maxImageSide: "Longest side in pixels of an image read_file returns as image content (Claude's API takes 8000).",
  maxFileBytes: "Largest file write_file writes, edit_file edits, or search_files greps.",
  maxFiles: "Most paths read_multiple_files reads per call.",
  maxEntries: "Most entries list_directory and directory_tree return.",
  maxDepth: "Deepest directory_tree goes (its default is 3).",
  maxResults: "Most hits search_files returns.",
  maxScanEntries: "Most entries directory_tree and search_files visit, and list_directory reads, per call.",
  searchTimeoutMs: "Longest a search_files or directory_tree call runs (ms); then it returns what it found.",
};

/** What each option must be, checked before anything is built: plain JavaScript callers get one clear error. */
export const FILESYSTEM_OPTION_RULES: OptionRules<FilesystemServerOptions> = {
  root: rule.aka(
    rule.required(rule.either(rule.text, rule.texts, "a directory path or an array of them")),
    "dir",
    "directory",
    "workspace",
    "path",
  ),
  readOnly: rule.boolean,
  ...limitRules(),
  hide: rule.texts,
  clientRoots: rule.oneOf("narrow", "replace", "ignore"),
  createdRoot: rule.text,
  confirm: CONFIRM_RULE,
  settingNames: rule.function,
  logger: rule.logger,
};

/** Each limit a whole number ≥ 1, or its MIN_LIMITS entry: a reply needs room for its notes and paging hints. */
function limitRules(): Record<keyof Limits, OptionRule> {
  const keys = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
  return Object.fromEntries(
    keys.map((key) => [key, rule.wholeNumber(MIN_LIMITS[key] ?? 1, MAX_LIMITS[key])]),
  ) as Record<keyof Limits, OptionRule>;
}

/** Merge options over the defaults; the factories have checked them (FILESYSTEM_OPTION_RULES). */
export function resolveLimits(options: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** What every tool is built from: the sandbox and the limits of one server instance. */
export interface Context {
  sandbox: Sandbox;
  limits: Limits;
  logger: Logger;
  /** Which calls ask the user first. */
  confirm: ConfirmMode;
  /** How messages name a setting: `maxFileBytes` for a library's user, `--max-file-bytes N (…)` for the bin's. */
  names: SettingNames;
  /** Where calls wait for a client's roots answer (roots-sync.ts); absent where no client's roots are followed. */
  rootsGate?: RootsGate | undefined;
  /** Where edit_file calls of one file take turns. */
  fileTurns: FileTurns;
  /** The versions of large files already hashed, so paging through one hashes it once. */
  versionCache: VersionCache;
  /** Reads end with the file's version, for the write tools' expectedVersion: not when none is offered (read-only). */
  versions: boolean;
}
