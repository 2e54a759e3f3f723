import type { GetPromptResult, Prompt } from "@modelcontextprotocol/client";
import { MAX_PAGES } from "./mcp-client.js";
import type { ServerPool } from "./servers.js";
import { listWhole } from "./whole-list.js";

// The prompts servers offer, and completions of their arguments, read through the pool, which restarts a server that
// died and names the running ones when asked for another.

/** A server's prompt, as /help lists it. */
export interface ServerPrompt {
  server: string;
  prompt: Prompt;
}

/**
 * Every prompt of every running server that offers them (for /help, the REPL and --list-tools). A server whose list
 * goes on past MAX_PAGES pages keeps its first MAX_PAGES pages' prompts, and `notice` is told so in one line.
 */
export async function listPrompts(
  pool: ServerPool,
  timeoutMs: number,
  notice: (line: string) => void = () => {},
): Promise<ServerPrompt[]> {
  const lists = await Promise.all(
    pool.offering("prompts").map(async (server) => {
      const listed = await pool
        .request(server, (client) => listWhole(client, "prompts", timeoutMs))
        .catch(() => ({ items: [], cut: false }));
      if (listed.cut) {
        notice(
          `server "${server}": its prompt list went on past ${MAX_PAGES} pages; the first ${listed.items.length} prompts are offered`,
        );
      }
      return listed.items.map((prompt) => ({ server, prompt }));
    }),
  );
  return lists.flat();
}

/** prompts/get on one server. */
export async function getPrompt(
  pool: ServerPool,
  server: string,
  name: string,
  args: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<GetPromptResult> {
  return pool.request(server, (client) =>
    client.getPrompt({ name, arguments: args }, { timeout: timeoutMs, ...(signal ? { signal } : {}) }),
  );
}

/** completion/complete for a prompt argument; [] when the server offers no completions. */
export async function complete(
  pool: ServerPool,
  server: string,
  prompt: string,
  arg: string,
  value: string,
  timeoutMs: number,
  /** The prompt's other arguments as typed so far, for a server whose values for `arg` depend on them. */
  context: Record<string, string> = {},
): Promise<string[]> {
  return pool.request(server, async (client) => {
    if (!client.getServerCapabilities()?.completions) return [];
    const result = await client.complete(
      {
        ref: { type: "ref/prompt", name: prompt },
        argument: { name: arg, value },
        ...(Object.keys(context).length > 0 ? { context: { arguments: context } } : {}),
      },
      { timeout: timeoutMs },
    );
    return result.completion.values;
  });
}
