import { plural } from "@mcp-toolkit/core";
import type { TurnBlock } from "./attach.js";
import { indented } from "./content-audience.js";
import { EXIT } from "./errors.js";
import type { Renderer } from "./render.js";
import { getPrompt, type ServerPrompt } from "./server-prompts.js";
import { statusText } from "./server-status.js";
import type { ServerPool } from "./servers.js";
import type { Session } from "./session.js";
import { helpText, parseSlash, promptProblem, promptTurn } from "./slash.js";
import { traceRun } from "./telemetry.js";

/** What the interactive session needs. */
export interface ReplDeps {
  prompts: {
    nextLine(prompt: string): Promise<string | undefined>;
    /** A turn's signal: Ctrl-C while the turn runs stops it, not the session. */
    turn(): { signal: AbortSignal; end(): void };
  };
  session: Session;
  pool: ServerPool;
  renderer: Renderer;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
  /** A typed line as a user turn, with the resources it mentions attached. */
  turn(text: string): Promise<string | TurnBlock[]>;
  serverPrompts(): Promise<readonly ServerPrompt[]>;
  timeoutMs: number;
  /** The run's model, for the run span of each turn (telemetry.ts). */
  model: string;
  /** The run's id, the run span's conversation. */
  runId?: string | undefined;
  /** Lines are typed on a terminal (not piped). */
  terminal: boolean;
}

/** How the session is left, for its first line: on a terminal an empty line (a stray Enter) does not end it. */
export function quitHint(terminal: boolean): string {
  return terminal ? "/exit or Ctrl-D to quit" : "empty line or Ctrl-D to quit";
}

/**
 * The interactive session: each typed line is a turn, `/help` lists what servers offer, `/clear` starts afresh, `/server:prompt a=b …` sends
 * a server's prompt as the turn; /exit, exit or end of input (Ctrl-D, or Ctrl-C twice on a terminal) ends it, and so
 * does an empty line when piped (on a terminal it asks again: a stray Enter must not lose the conversation). Returns
 * the last turn's exit code.
 */
export async function repl(deps: ReplDeps): Promise<number> {
  const { renderer } = deps;
  let code = 0;
  for (let first = true; ; first = false) {
    const line = await deps.prompts.nextLine("\n> ");
    if (line !== undefined && !line.trim() && deps.terminal) continue;
    if (first && !deps.terminal && !line?.trim()) return nothingPiped(deps);
    if (line === undefined || !line.trim() || /^(exit|quit)$/i.test(line.trim())) return code;
    const slash = parseSlash(line);
    if (slash?.kind === "quit") return code;
    if (slash === undefined) {
      code = await oneTurn(deps, () => deps.turn(line));
      continue;
    }
    if (slash.kind === "help") deps.stderr.write(helpText(await deps.serverPrompts()));
    if (slash.kind === "servers") deps.stderr.write(statusText(deps.pool.status(), performance.now()));
    if (slash.kind === "error") renderer.notice(slash.message);
    if (slash.kind === "clear") {
      deps.session.clear();
      renderer.notice("a fresh conversation: the model no longer sees the turns before (the servers stay up)");
    }
    if (slash.kind !== "prompt") continue;
    const problem = promptProblem(slash, await deps.serverPrompts());
    if (problem) {
      renderer.notice(problem);
      continue;
    }
    // Fetching the prompt is part of the turn: a Ctrl-C while the server answers stops it, not the session.
    const fetching = deps.prompts.turn();
    try {
      const got = await getPrompt(deps.pool, slash.server, slash.name, slash.args, deps.timeoutMs, fetching.signal);
      fetching.end();
      renderer.notice(
        `/${slash.server}:${slash.name}: the prompt (${plural(got.messages.length, "message")}) is your turn`,
      );
      const { text, images, forUser } = promptTurn(got);
      if (forUser)
        renderer.notice(`/${slash.server}:${slash.name}, for you only (not sent to the model):\n${indented(forUser)}`);
      code = await oneTurn(deps, async () => {
        const turn = await deps.turn(text);
        if (images.length === 0) return turn;
        return [...(typeof turn === "string" ? [{ type: "text" as const, text: turn }] : turn), ...images];
      });
    } catch (error) {
      if (deps.signal.aborted) throw error;
      const stopped = fetching.signal.aborted;
      renderer.notice(`/${slash.server}:${slash.name} ${stopped ? "stopped" : `failed: ${(error as Error).message}`}`);
    } finally {
      fetching.end();
    }
  }
}

/** One turn of the session, which a Ctrl-C typed while it runs stops, the session going on. */
async function oneTurn(deps: ReplDeps, text: () => Promise<string | TurnBlock[]>): Promise<number> {
  const turn = deps.prompts.turn();
  try {
    return await traceRun(deps.model, async () => deps.session.ask(await text(), turn.signal), deps.runId);
  } finally {
    turn.end();
  }
}

/**
 * A session whose stdin is not a terminal and ends (or gives an empty line) before its first line: nothing was asked.
 * A script's `mcp-agent $TASK` with TASK unset, or a job whose stdin is /dev/null, would otherwise pass having done
 * nothing; it is a usage error, exit 2, that says how to give the task.
 */
function nothingPiped(deps: ReplDeps): number {
  deps.session.reason =
    "nothing to do: no task was given, and stdin (not a terminal) ended, or gave an empty line, before a first line; give the task as an argument (mcp-agent \"…\"), or pipe the session's lines in (printf 'task\\n' | mcp-agent)";
  deps.renderer.notice(deps.session.reason);
  return EXIT.usage;
}
