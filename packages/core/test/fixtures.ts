import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { fail, ok } from "../src/results.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { singleServer } from "../src/single-server.js";
import { defineTool, toolSet } from "../src/tool.js";

const HINTS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The echo server's tools: echo, a slow tool that reports progress, one that throws, and one that refuses. */
export function echoTools() {
  return toolSet(
    [
      defineTool({
        name: "echo",
        title: "Echo",
        description: "Return the text given.",
        inputSchema: { text: z.string().describe("Text to return.") },
        annotations: HINTS,
        handler: async ({ text }) => ok(text, undefined),
      }),
      defineTool({
        name: "slow_echo",
        title: "Slow echo",
        description: "Return the text after a delay, reporting progress every 10 ms; stops when cancelled.",
        inputSchema: { text: z.string().describe("Text."), ms: z.number().int().min(0).max(5000).describe("Delay.") },
        annotations: HINTS,
        handler: async ({ text, ms }, { signal, progress }) => {
          const started = Date.now();
          while (Date.now() - started < ms) {
            if (signal.aborted) return fail("cancelled");
            progress.report(Date.now() - started, ms, "waiting");
            await new Promise((r) => setTimeout(r, Math.min(10, ms)));
          }
          return ok(text);
        },
      }),
      defineTool({
        name: "explode",
        title: "Explode",
        description: "Always throws.",
        inputSchema: {},
        annotations: HINTS,
        handler: async () => {
          throw new Error("boom");
        },
      }),
      defineTool({
        name: "refuse",
        title: "Refuse",
        description: "Always refuses.",
        inputSchema: {},
        annotations: HINTS,
        handler: async () => fail("refused: nothing to do — try echo"),
      }),
    ],
    { timing: { delayMs: 50, intervalMs: 20 } },
  );
}

/** A factory of small real servers for exercising the kit (progress starts after 50 ms, every 20 ms). */
export function echoFactory(): ServerFactory {
  return serverFactory({ info: { name: "echo", version: "1.0.0" }, tools: echoTools() });
}

/** One ready echo server. */
export function createEchoServer(): McpServer {
  return singleServer({ info: { name: "echo", version: "1.0.0" }, tools: echoTools() });
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("");
}

const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/**
 * A notebook server for access tests: `read_notes` only reads, `add_note` and `slow_add_note` (which takes `ms`)
 * write, and a `token` argument shows what the audit trail must not. The notes live in `notes`, shared by every
 * server the factory builds.
 */
export function notesFactory(notes: string[] = []): ServerFactory {
  const tools = toolSet([
    defineTool({
      name: "read_notes",
      title: "Read notes",
      description: "List the notes.",
      inputSchema: {},
      annotations: HINTS,
      handler: async () => ok(notes.join("\n") || "(no notes)"),
    }),
    defineTool({
      name: "add_note",
      title: "Add a note",
      description: "Add a note.",
      inputSchema: { text: z.string().describe("The note."), token: z.string().optional().describe("A secret.") },
      annotations: WRITES,
      handler: async ({ text }) => {
        notes.push(text);
        return ok(`added note ${notes.length}`);
      },
    }),
    defineTool({
      name: "slow_add_note",
      title: "Add a note slowly",
      description: "Add a note after ms milliseconds.",
      inputSchema: { text: z.string().describe("The note."), ms: z.number().int().min(0).max(5000).describe("Delay.") },
      annotations: WRITES,
      handler: async ({ text, ms }, { signal }) => {
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
        if (signal.aborted) return fail("cancelled");
        notes.push(text);
        return ok(`added note ${notes.length}`);
      },
    }),
  ]);
  return serverFactory({ info: { name: "notes", version: "1.0.0" }, tools });
}
