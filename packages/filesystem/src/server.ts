import {
  checkLibraryOptions,
  ignoredConfirmWarning,
  optionNames,
  packageVersion,
  type ServerBlueprint,
  type ServerFactory,
  serverFactory,
  silentLogger,
  singleServer,
  type ToolDefinition,
  toolSet,
} from "@mcp-toolkit/core";
import type { McpServer } from "@modelcontextprotocol/server";
import { FileTurns } from "./file-turns.js";
import { MadeRoot } from "./made-root.js";
import { type Context, FILESYSTEM_OPTION_RULES, type FilesystemServerOptions, resolveLimits } from "./options.js";
import { findInFilesPrompt } from "./prompts/find-in-files.js";
import { summarizeFolderPrompt } from "./prompts/summarize-folder.js";
import { fileResources } from "./resources/files.js";
import { RootsGate } from "./roots-gate.js";
import { followClientRoots } from "./roots-sync.js";
import { Sandbox } from "./sandbox.js";
import { createDirectoryTool } from "./tools/create-directory.js";
import { deleteFileTool } from "./tools/delete-file.js";
import { directoryTreeTool } from "./tools/directory-tree.js";
import { editFileTool } from "./tools/edit-file.js";
import { getFileInfoTool } from "./tools/get-file-info.js";
import { listDirectoryTool } from "./tools/list-directory.js";
import { moveFileTool } from "./tools/move-file.js";
import { readFileTool } from "./tools/read-file.js";
import { readMultipleFilesTool } from "./tools/read-multiple-files.js";
import { searchFilesTool } from "./tools/search-files.js";
import { writeFileTool } from "./tools/write-file.js";
import { VersionCache } from "./version-cache.js";

/**
 * Build the filesystem MCP server for the given root(s): one ready server, for one connection. No module state:
 * each call makes an independent server, so servers with different roots can share a process. Throws if a root is
 * missing.
 */
export function createFilesystemServer(options: FilesystemServerOptions): McpServer {
  checkLibraryOptions("createFilesystemServer", options, FILESYSTEM_OPTION_RULES);
  return singleServer(filesystemBlueprint(options), "createFilesystemServer");
}

/**
 * The same server as a factory, for serving many connections or requests (`serveStdio(factory)`,
 * `createMcpHandler(factory)`): the sandbox and the compiled tools are made once and shared.
 */
export function createFilesystemServerFactory(options: FilesystemServerOptions): ServerFactory {
  checkLibraryOptions("createFilesystemServerFactory", options, FILESYSTEM_OPTION_RULES);
  return serverFactory(filesystemBlueprint(options));
}

function filesystemBlueprint(options: FilesystemServerOptions): ServerBlueprint {
  const roots = typeof options.root === "string" ? [options.root] : [...options.root];
  const ctx: Context = {
    sandbox: new Sandbox(roots, undefined, options.hide ?? []),
    limits: resolveLimits(options),
    logger: options.logger ?? silentLogger,
    confirm: options.confirm ?? "never",
    names: options.settingNames ?? optionNames,
    fileTurns: new FileTurns(),
    versionCache: new VersionCache(),
    versions: !options.readOnly,
  };
  const made = options.createdRoot ? new MadeRoot(options.createdRoot, ctx.sandbox.configuredRoots) : undefined;
  if ((options.clientRoots ?? "narrow") !== "ignore") {
    ctx.rootsGate = new RootsGate((ms) =>
      ctx.logger.warn(`client roots: no answer within ${ms} ms; calls go on with ${ctx.sandbox.realRoots.join(", ")}`),
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list, each tool checked at its definition.
  const tools: ToolDefinition<any, any>[] = [
    readFileTool(ctx),
    readMultipleFilesTool(ctx),
    listDirectoryTool(ctx),
    directoryTreeTool(ctx),
    searchFilesTool(ctx),
    getFileInfoTool(ctx),
  ];
  const unasked = ignoredConfirmWarning(
    options.confirm,
    options.readOnly ? ctx.names("readOnly", "true") : undefined,
    "only delete_file and write_file ask the user first, and a read-only server lists neither",
    ctx.names,
  );
  if (unasked) ctx.logger.warn(unasked);
  if (!options.readOnly) {
    tools.push(writeFileTool(ctx), editFileTool(ctx), createDirectoryTool(ctx), moveFileTool(ctx), deleteFileTool(ctx));
  }
  ctx.logger.debug(
    `roots: ${ctx.sandbox.realRoots.join(", ")}${options.readOnly ? " (read-only)" : ""}${ctx.sandbox.hidden.length > 0 ? `; hidden: ${ctx.sandbox.hidden.join(", ")}` : ""}`,
  );
  return {
    info: { name: "mcp-filesystem", version: packageVersion(import.meta.url) },
    tools: toolSet(
      tools.map((tool) => afterRoots(tool, ctx.rootsGate)),
      { names: ctx.names },
    ),
    prompts: [summarizeFolderPrompt(ctx), findInFilesPrompt(ctx)],
    resources: { templates: [fileResources(ctx)] },
    statsUri: "filesystem://stats",
    largeRequestAdvice: "a large file in parts: write the first, then add each next part with an edit",
    // Only a connection's own server may follow its client's roots: they change what every tool can reach.
    setup: (server, { connection }) => {
      if (connection) followClientRoots(server, ctx, options.clientRoots ?? "narrow", made);
    },
    // The folder the bin made for itself goes, as it came, if nothing was put in it (made-root.ts).
    close: async () => {
      const change = made?.release();
      if (change) ctx.logger.debug(`${made?.path} ${change}`);
    },
  };
}

/** The tool, its calls waiting for a roots answer being awaited (roots-gate.ts). */
// biome-ignore lint/suspicious/noExplicitAny: any tool of the list.
function afterRoots(tool: ToolDefinition<any, any>, gate: RootsGate | undefined): ToolDefinition<any, any> {
  if (!gate) return tool;
  return {
    ...tool,
    handler: async (args, call) => {
      await gate.ready();
      return tool.handler(args, call);
    },
  };
}
