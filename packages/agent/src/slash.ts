import type { ImageBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { closest } from "@mcp-toolkit/core";
import type { GetPromptResult } from "@modelcontextprotocol/client";
import { audienceOf, forUserNote, userText, userView } from "./content-audience.js";
import { oneLine } from "./one-line.js";
import { complete, type ServerPrompt } from "./server-prompts.js";
import type { ServerPool } from "./servers.js";
import { printable } from "./terminal-text.js";
import { convertResult } from "./tool-result.js";

/** A line typed at the REPL that is a command, not a task. */
export type Slash =
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "servers" }
  | { kind: "clear" }
  | { kind: "prompt"; server: string; name: string; args: Record<string, string> }
  | { kind: "error"; message: string };

const PROMPT = /^\/([A-Za-z0-9_-]{1,32}):(\S+)(?:\s+(.*))?$/;
// name=value, name="value with spaces" or name='value'; a bare value does not start with a quote.
const ARG = /^([^\s=]+)=(?:"([^"]*)"|'([^']*)'|([^\s"']\S*|))(?:\s+|$)/;
// A quoted value that ARG did not take: its closing quote never comes, or text follows it.
const QUOTED = /^([^\s=]+)=(["'])/;

/**
 * Read `/help`, `/exit` (`/quit`), `/servers` (`/mcp`), `/clear` or `/server:prompt name=value …` (values quoted when they hold spaces); undefined for any other line,
 * which is a task. Pure.
 */
export function parseSlash(line: string): Slash | undefined {
  const text = line.trim();
  if (text === "/help" || text === "/?") return { kind: "help" };
  if (/^\/(exit|quit)(\s|$)/.test(text)) return { kind: "quit" };
  if (text === "/servers" || text === "/mcp") return { kind: "servers" };
  if (text === "/clear") return { kind: "clear" };
  const bare = /^(\/(?:help|\?|servers|mcp|clear))\s/.exec(text);
  if (bare) return { kind: "error", message: `${bare[1]} takes no arguments; type it alone` };
  const match = PROMPT.exec(text);
  if (!match) {
    if (!text.startsWith("/") || text.startsWith("//") || /^\/\S*\//.test(text)) return undefined;
    const typed = text.split(/\s/)[0] as string;
    const meant = closest(typed, COMMANDS);
    const hint = meant ? `did you mean ${meant}? ` : "";
    return { kind: "error", message: `unknown command ${oneLine(typed, 60)}; ${hint}/help lists the commands` };
  }
  const args: Record<string, string> = {};
  let rest = (match[3] ?? "").trim();
  while (rest) {
    const arg = ARG.exec(rest);
    const open = arg ? undefined : QUOTED.exec(rest);
    if (open) {
      const name = oneLine(open[1] as string, 60);
      const quote = open[2] as string;
      const closed = rest.indexOf(quote, open[0].length);
      if (closed < 0) {
        return {
          kind: "error",
          message: `the value of ${name} opens a quote (${quote}) that is not closed; quote a value with spaces whole: ${name}=${quote}a b${quote}`,
        };
      }
      // Closed, but the value runs on past it (file="a b".ts): the whole value, quoted, is what was meant.
      const whole = rest.slice(open[0].length, closed) + (rest.slice(closed + 1).split(/\s/)[0] ?? "");
      return {
        kind: "error",
        message: `the value of ${name} goes on after its closing quote (${quote}); quote the whole value, and put a space before the next argument: ${name}=${quote}${oneLine(whole, 60)}${quote}`,
      };
    }
    if (!arg) {
      return {
        kind: "error",
        message: `arguments are name=value (quote a value with spaces: name="a b"), not ${oneLine(rest.split(/\s/)[0], 60)}; /help lists each prompt's arguments`,
      };
    }
    args[arg[1] as string] = arg[2] ?? arg[3] ?? arg[4] ?? "";
    rest = rest.slice(arg[0].length);
  }
  return { kind: "prompt", server: match[1] as string, name: match[2] as string, args };
}

/** /help: the commands, and each server's prompts with their arguments (required ones marked). */
export function helpText(prompts: readonly ServerPrompt[]): string {
  const lines = [
    "Type a task, or:",
    "  @server:uri            anywhere in a line attaches that resource (mcp__list_resources lists them)",
    "  /server:prompt a=b …   sends a server's prompt as your next turn (Tab completes names and values)",
    "  /servers               each server: up or not, its tools, what happens next if not (also /mcp)",
    "  /clear                 starts a fresh conversation: the model forgets the turns before (servers stay up)",
    "  /help                  this list",
    "  /exit                  quits (so do /quit, exit, Ctrl-D and Ctrl-C twice)",
  ];
  lines.push(prompts.length > 0 ? "Prompts:" : "No server offers prompts.");
  for (const { server, prompt } of prompts) {
    // Names are the server's text too: shown through oneLine, so an escape sequence in one is not sent raw.
    const args = (prompt.arguments ?? [])
      .map((a) => `${oneLine(a.name, 40)}=…${a.required ? "" : " (optional)"}`)
      .join(" ");
    const about = prompt.description ? ` — ${oneLine(prompt.description, 160)}` : "";
    lines.push(`  /${server}:${oneLine(prompt.name, 60)}${args ? ` ${args}` : ""}${about}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A prompt's messages as one user turn: their text, in order (a prompt's assistant lines are kept as quoted text),
 * and their images, each sent after the text where the Messages API takes it (a note in its place when it would not).
 * A message the server marks for the user only (content-audience.ts) is in `forUser`, to be shown, and not sent: the
 * model is told that something was shown to the user.
 */
export function promptTurn(result: GetPromptResult): { text: string; images: ImageBlockParam[]; forUser?: string } {
  const images: ImageBlockParam[] = [];
  const forUser = result.messages.filter((m) => audienceOf(m.content) === "user").map((m) => userView(m.content));
  const parts = result.messages
    .filter((m) => audienceOf(m.content) !== "user")
    .map((m) => {
      const c = m.content;
      let text: string;
      if (c.type === "text") text = c.text;
      else if (c.type === "resource" && "text" in c.resource) text = c.resource.text;
      else if (c.type === "image") {
        const converted = convertResult({ content: [c] }, Number.MAX_SAFE_INTEGER).content;
        const image = converted.find((b) => b.type === "image");
        if (image) images.push(image);
        text = image
          ? `[image ${images.length}, after this text]`
          : converted.map((b) => ("text" in b ? b.text : "")).join("");
      } else text = `[${c.type}]`;
      return m.role === "assistant" ? `(assistant) ${text}` : text;
    });
  if (forUser.length > 0) {
    parts.push(forUserNote(forUser.length, "message", "this prompt"));
  }
  return { text: parts.join("\n\n"), images, ...(forUser.length > 0 ? { forUser: userText(forUser) } : {}) };
}

/** Check a prompt command against what servers offer; a message naming what exists when it does not fit. */
export function promptProblem(
  command: Extract<Slash, { kind: "prompt" }>,
  prompts: readonly ServerPrompt[],
): string | undefined {
  const found = prompts.find((p) => p.server === command.server && p.prompt.name === command.name);
  if (!found) {
    const names = prompts.map((p) => `/${p.server}:${p.prompt.name}`).join(", ");
    return `no prompt /${command.server}:${command.name}; prompts: ${names || "none"} (/help shows their arguments)`;
  }
  const known = (found.prompt.arguments ?? []).map((a) => a.name);
  const unknown = Object.keys(command.args).filter((a) => !known.includes(a));
  if (unknown.length > 0)
    return `/${command.server}:${command.name} takes ${known.join(", ") || "no arguments"}, not ${unknown.join(", ")}`;
  const missing = (found.prompt.arguments ?? [])
    .filter((a) => a.required && !(a.name in command.args))
    .map((a) => a.name);
  if (missing.length > 0) return `/${command.server}:${command.name} needs ${missing.map((m) => `${m}=…`).join(" ")}`;
  return undefined;
}

/** The session's own commands, as Tab completes them. */
const COMMANDS = ["/clear", "/exit", "/help", "/mcp", "/quit", "/servers"];

/**
 * Tab completion at the REPL: the session's commands and prompt names after "/", argument names after a prompt, and argument values from the
 * server's completion/complete where it offers completions. Failures complete nothing. Readline prints the candidates
 * as given, so what came from a server passes through printable() (terminal-text.ts).
 */
export function completer(pool: ServerPool, prompts: () => Promise<readonly ServerPrompt[]>, timeoutMs: number) {
  return async (line: string): Promise<[string[], string]> => {
    const listed = await prompts().catch(() => []);
    if (/^\/\S*$/.test(line)) {
      const promptCommands = listed.map((p) => `/${p.server}:${printable(p.prompt.name)} `);
      const names = [...COMMANDS, ...promptCommands].filter((n) => n.startsWith(line));
      return [names, line];
    }
    const match = /^\/([A-Za-z0-9_-]{1,32}):(\S+)\s(?:.*\s)?(?:([^\s=]+)=(\S*)|(\S*))$/.exec(line);
    const found = match && listed.find((p) => p.server === match[1] && p.prompt.name === match[2]);
    if (!match || !found) return [[], line];
    const [, server, name, arg, value, partialName] = match as unknown as [
      string,
      string,
      string,
      string?,
      string?,
      string?,
    ];
    if (arg === undefined) {
      const word = partialName ?? "";
      const names = (found.prompt.arguments ?? [])
        .map((a) => `${printable(a.name)}=`)
        .filter((a) => a.startsWith(word));
      return [names, word];
    }
    // What was typed before this argument goes with the request: a server may narrow one value by another.
    const before = parseSlash(line.slice(0, line.length - `${arg}=${value ?? ""}`.length));
    const context = before?.kind === "prompt" ? before.args : {};
    delete context[arg];
    const values = await complete(pool, server, name, arg, value ?? "", timeoutMs, context).catch(() => []);
    const shown = values.map((v) => printable(v));
    return [shown.map((v) => `${arg}=${/\s/.test(v) ? JSON.stringify(v) : v}`), `${arg}=${value ?? ""}`];
  };
}
