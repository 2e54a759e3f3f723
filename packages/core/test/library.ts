// A small library server for the prompt, resource and stats tests: books as resources behind a template (many, so
// resources/list pages), a catalogue resource, prompts with completed arguments, and a tool that adds a book.
import { z } from "zod";
import { definePrompt } from "../src/prompt.js";
import { resourceError } from "../src/resource.js";
import { ok, refuse } from "../src/results.js";
import { type ServerFactory, serverFactory } from "../src/server-factory.js";
import { defineTool, toolSet } from "../src/tool.js";

export interface Library {
  books: Map<string, string>;
  factory: ServerFactory;
}

const WRITES = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/** A library of `count` books named book-000… (sorted), each with a one-line text. */
export function libraryFactory(count: number): Library {
  const books = new Map<string, string>();
  for (let i = 0; i < count; i++) books.set(`book-${String(i).padStart(3, "0")}`, `text of book ${i}`);
  const changed = new Set<() => void>();
  const titles = (prefix: string) => [...books.keys()].filter((name) => name.startsWith(prefix));

  const addBook = defineTool({
    name: "add_book",
    title: "Add a book",
    description: "Add a book; a name starting with x is refused.",
    inputSchema: { name: z.string().describe("Its name."), text: z.string().describe("Its text.") },
    annotations: WRITES,
    handler: async ({ name, text }) => {
      if (name.startsWith("x")) return refuse(`refused: ${name}`, "banned");
      books.set(name, text);
      for (const fire of changed) fire();
      return ok(`added ${name}`);
    },
  });

  const summarize = definePrompt({
    name: "summarize-book",
    title: "Summarize a book",
    description: "Ask for a summary of one book, in a style.",
    arguments: {
      book: { description: "The book's name.", complete: (typed) => titles(typed) },
      style: {
        description: "How to summarize.",
        optional: true,
        complete: (typed, others) =>
          ["brief", "detailed", others.book ? `like ${others.book}` : "plain"].filter((s) => s.startsWith(typed)),
      },
    },
    handler: async ({ book, style }) => {
      const text = book === undefined ? undefined : books.get(book);
      if (text === undefined) throw new Error(`No book named "${book}": complete the argument to see the names`);
      return {
        description: `Summary of ${book}`,
        messages: [{ role: "user", content: { type: "text", text: `Summarize (${style ?? "brief"}): ${text}` } }],
      };
    },
  });

  const factory = serverFactory({
    info: { name: "library", version: "1.0.0" },
    tools: toolSet([addBook]),
    prompts: [summarize],
    resources: {
      resources: [
        {
          name: "catalogue",
          title: "Catalogue",
          description: "Every book's name.",
          uri: "library://catalogue",
          mimeType: "text/plain",
          read: async (uri) => ({
            contents: [{ uri: uri.href, mimeType: "text/plain", text: [...books.keys()].join("\n") }],
          }),
        },
      ],
      templates: [
        {
          name: "book",
          title: "A book",
          description: "One book's text.",
          uriTemplate: "library://book/{name}",
          mimeType: "text/plain",
          list: async () =>
            [...books.keys()].map((name) => ({ uri: `library://book/${name}`, name, mimeType: "text/plain" })),
          complete: { name: (typed) => titles(typed) },
          read: async (uri, { name }) => {
            const wanted = decodeURIComponent(name ?? "");
            if (wanted.startsWith("x")) throw resourceError(`refused: ${wanted}`, "banned");
            const text = books.get(wanted);
            if (text === undefined) throw resourceError(`No book named "${name}": resources/list shows the books`);
            return { contents: [{ uri: uri.href, mimeType: "text/plain", text }] };
          },
        },
      ],
    },
    onResourcesChanged: (fire) => {
      changed.add(fire);
    },
  });
  return { books, factory };
}
