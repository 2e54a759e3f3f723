#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  CONFIRM_OPTIONS,
  type OptionSpec,
  packageVersion,
  runServerCli,
  selectConfirm,
  UsageError,
  wholeNumberOption,
} from "@mcp-toolkit/core";
import { DEFAULT_LIMITS, LIMIT_HELP, type Limits, MIN_LIMITS } from "./options.js";
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
    description: "Workspace root; relative paths start at the first. Default ./workspace, created if missing.",
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
    const roots = values.root.length > 0 ? values.root : [path.resolve("workspace")];
    if (values.root.length === 0) mkdirSync(roots[0] as string, { recursive: true });
    const limits: Partial<Limits> = {};
    for (const key of LIMITS) {
      limits[key] = wholeNumberOption(options, values, flag(key), { min: MIN_LIMITS[key] ?? 1 });
    }
    for (const entry of values.hide) {
      const result = normalizeHidden(entry);
      if (!result.ok) throw new UsageError(`--hide ${JSON.stringify(entry)}: ${result.reason}`);
    }
    new Sandbox(roots); // a missing root fails here, at start-up, in one line
    return {
      root: roots,
      readOnly: values["read-only"],
      hide: values.hide,
      confirm: selectConfirm(values),
      // A client's roots replace the default workspace, and only narrow roots given on purpose.
      clientRoots: values.root.length > 0 ? ("narrow" as const) : ("replace" as const),
      ...limits,
    };
  },
  createFactory: (config, logger) => createFilesystemServerFactory({ ...config, logger }),
});
