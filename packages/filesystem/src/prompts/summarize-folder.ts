import { closeSync, readdirSync } from "node:fs";
import path from "node:path";
import { definePrompt } from "@mcp-toolkit/core";
import { pathCompleter } from "../completion.js";
import type { Context } from "../options.js";
import { readForModel } from "../read.js";
import { directoryTreeTool } from "../tools/directory-tree.js";
import { toolText } from "./tool-text.js";

/** How deep the folder's tree goes in the prompt; a summary needs the shape, not every leaf. */
const TREE_DEPTH = 3;
/** Share of the response cap the README may take, so the tree always fits beside it. */
const README_SHARE = 0.5;

/** `summarize-folder {path}`: a bounded tree of the folder and its README, if it has one, to summarise. */
export function summarizeFolderPrompt(ctx: Context) {
  const tree = directoryTreeTool(ctx);
  return definePrompt({
    name: "summarize-folder",
    title: "Summarize a folder",
    description: `A folder's tree (${TREE_DEPTH} levels, at most ${ctx.limits.maxEntries} entries) and its README, with a request to summarise what it holds.`,
    arguments: {
      path: {
        description: 'The folder, relative to the workspace root ("." for the root).',
        complete: pathCompleter(ctx.sandbox, false, true),
      },
    },
    handler: async ({ path: folder = "." }, { signal }) => {
      const listing = await toolText(tree, { path: folder, maxDepth: TREE_DEPTH }, signal);
      const readme = await readmeOf(ctx, folder);
      const parts = [
        `Summarise the folder ${folder}: what it is for, how it is organised, and the files that matter most. Say what you could not tell from this.`,
        `Its tree (${TREE_DEPTH} levels):\n${listing}`,
        readme ? `Its ${readme.name}:\n${readme.text}` : "It has no README.",
      ];
      return {
        description: `Summary of ${folder}`,
        messages: [{ role: "user", content: { type: "text", text: parts.join("\n\n") } }],
      };
    },
  });
}

/** The folder's README (any case, any extension), cut to its share of the response cap. */
async function readmeOf(ctx: Context, folder: string): Promise<{ name: string; text: string } | undefined> {
  const dir = ctx.sandbox.openToList(folder, ctx.sandbox.lexical(folder));
  let names: string[];
  try {
    names = ctx.sandbox
      .shown(dir, readdirSync(ctx.sandbox.child(dir, ""), { withFileTypes: true }))
      .filter((e) => e.isFile() && /^readme(\.[a-z0-9]+)?$/i.test(e.name))
      .map((e) => e.name)
      .sort();
  } finally {
    closeSync(dir.fd);
  }
  const [name] = names;
  if (!name) return undefined;
  const budget = Math.floor(ctx.limits.maxResponseBytes * README_SHARE);
  const out = await readForModel(ctx, path.join(folder, name), {}, budget, { pageWithReadFile: true });
  return out.kind === "text" ? { name, text: out.text } : undefined;
}
