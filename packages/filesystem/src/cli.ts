#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import {
  CONFIRM_OPTIONS,
  flagNames,
  type OptionSpec,
  packageVersion,
  runServerCli,
  selectConfirm,
  UsageError,
  wholeNumberOption,
} from "@mcp-toolkit/core";
import { chooseHidden, chooseRoots, rootsLine } from "./bin-roots.js";
import { DEFAULT_LIMITS, LIMIT_HELP, type Limits, MAX_LIMITS, MIN_LIMITS } from "./options.js";
import { normalizeHidden } from "./path-policy.js";
import { Sandbox } from "./sandbox.js";
import { createFilesystemServerFactory } from "./server.js";

const LIMITS = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
/** maxResponseBytes → max-response-bytes, env MCP_FS_MAX_RESPONSE_BYTES. */
const flag = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const options: Record<string, OptionSpec> = {
  root: {
    type: "string",
    multiple: true,
    env: "MCP_WORKSPACE",
    envSeparator: path.delimiter,
    valueName: "DIR",
    aka: ["workspace"],
    description:
      "Workspace root; relative paths start at the first. Default ./workspace, made if missing (and removed, still empty, if a client's roots replace it).",
  },
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "Offer only the reading tools." },
  hide: {
    type: "string",
    multiple: true,
    env: "MCP_FS_HIDE",
    envSeparator: path.delimiter,
    valueName: "PATH",
    description: "A path relative to the roots (e.g. .agent) that no tool may read, write, list or delete.",
  },
  ...CONFIRM_OPTIONS,
};
for (const key of LIMITS) {
  options[flag(key)] = {
    type: "string",
    env: `MCP_FS_${flag(key).replace(/-/g, "_").toUpperCase()}`,
    default: String(DEFAULT_LIMITS[key]),
    valueName: "N",
    description: LIMIT_HELP[key],
  };
}

// Not awaited: the bin is bundled as CommonJS (to start from a V8 code cache), which has no top-level await.
void runServerCli({
  spec: { name: "mcp-filesystem", summary: "MCP filesystem server: sandboxed, bounded, atomic file tools", options },
  version: () => packageVersion(import.meta.url),
  configure(parsed) {
    // The limit options are built in a loop, so their names are not literal types: read them by key.
    const values = parsed as unknown as Record<string, string | undefined> & {
      root: string[];
      "read-only": boolean;
      hide: string[];
      confirm: string;
    };
    const choice = chooseRoots(values.root, process.cwd(), homedir());
    if ("problem" in choice) throw new UsageError(choice.problem);
    const { roots, defaulted } = choice;
    const limits: Partial<Limits> = {};
    for (const key of LIMITS) {
      limits[key] = wholeNumberOption(options, values, flag(key), {
        min: MIN_LIMITS[key] ?? 1,
        ...(MAX_LIMITS[key] === undefined ? {} : { max: MAX_LIMITS[key] }),
      });
    }
    const hide = values.hide.map((given) => {
      const chosen = chooseHidden(given, roots, process.cwd(), homedir());
      if ("problem" in chosen) throw new UsageError(`--hide ${JSON.stringify(given)}: ${chosen.problem}`);
      const result = normalizeHidden(chosen.entry);
      if (!result.ok) throw new UsageError(`--hide ${JSON.stringify(given)}: ${result.reason}`);
      return chosen.entry;
    });
    // Made only once every other setting is known good, so a mistake leaves nothing behind.
    let created = false;
    let sandbox: Sandbox;
    try {
      if (defaulted) created = makeFolder(roots[0] as string);
      sandbox = new Sandbox(roots, undefined, [], "--root (MCP_WORKSPACE)"); // a missing root fails here, at start-up, in one line
    } catch (error) {
      throw new UsageError(`${(error as Error).message}${defaulted ? "; pass --root DIR (MCP_WORKSPACE)" : ""}`);
    }
    return {
      startupLine: rootsLine(sandbox.realRoots, defaulted, created),
      // Only a folder this process made may be removed again (when a client's roots replace it while it is empty).
      ...(created ? { createdRoot: roots[0] } : {}),
      root: roots,
      readOnly: values["read-only"],
      hide,
      confirm: selectConfirm(values),
      // A client's roots replace the default workspace, and only narrow roots given on purpose.
      clientRoots: defaulted ? ("replace" as const) : ("narrow" as const),
      ...limits,
    };
  },
  createFactory({ startupLine, ...config }, logger) {
    logger.info(startupLine);
    // Every library option's flag is its name in kebab case (maxFileBytes, --max-file-bytes), so no name is mapped.
    return createFilesystemServerFactory({ ...config, logger, settingNames: flagNames(options) });
  },
});

/** Make `dir` (its parent exists); false when something is already there, so only a folder made here counts as ours. */
function makeFolder(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}
