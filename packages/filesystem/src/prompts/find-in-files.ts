import { definePrompt } from "@mcp-toolkit/core";
import { pathCompleter } from "../completion.js";
import type { Context } from "../options.js";
import { quote } from "../path-policy.js";
import { searchFilesTool } from "../tools/search-files.js";
import { toolText } from "./tool-text.js";

/** `find-in-files {text} [path]`: where a text occurs in the workspace (search_files' hits), to explain. */
export function findInFilesPrompt(ctx: Context) {
  const search = searchFilesTool(ctx);
  return definePrompt({
    name: "find-in-files",
    title: "Find in files",
    description: `Where a text (or /regex/) occurs in the workspace's files — at most ${ctx.limits.maxResults} hits — with a request to explain where and how it is used.`,
    arguments: {
      text: { description: "The text to find, or /regex/flags (flags from i, m, s, u)." },
      path: {
        description: 'The folder to search, relative to the workspace root. Default "."',
        optional: true,
        complete: pathCompleter(ctx.sandbox, false, true),
      },
    },
    handler: async ({ text, path = "." }, { signal }) => {
      if (!text?.trim()) throw new Error("text: give the text (or /regex/) to find");
      const hits = await toolText(search, { path, pattern: "**/*", content: text }, signal).catch((error: Error) => {
        // search_files names its own argument (content "…": …); this prompt's is text.
        const own = `content ${quote(text)}:`;
        throw error.message.startsWith(own) ? new Error(`text ${error.message.slice("content ".length)}`) : error;
      });
      return {
        description: `Where ${text} occurs in ${path}`,
        messages: [
          {
            role: "user",
            content: {
              type: "text",
              text: `Explain where and how ${JSON.stringify(text)} is used under ${path}: group the hits by file and purpose, and point out anything surprising. Use read_file to look closer where a hit's line is not enough.\n\nHits from search_files:\n${hits}`,
            },
          },
        ],
      };
    },
  });
}
