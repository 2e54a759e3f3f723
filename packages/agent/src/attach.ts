import type { ImageBlockParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { escapeClosingTag, tagged } from "./block-tags.js";
import { indented, userText, userView } from "./content-audience.js";
import { listedAudiences } from "./resource-audience.js";
import { resourceResult } from "./resource-tools.js";
import { readResource } from "./server-resources.js";
import type { ServerPool } from "./servers.js";
import { convertResult } from "./tool-result.js";

/** What the model gets in place of a resource listed for the user only. */
const FOR_USER = "[shown to the user only (the server marked this resource for the user), not to you]";

/** One `@server:uri` mention in a task. */
export interface Mention {
  server: string;
  uri: string;
}

// A mention starts a word (or follows a parenthesis); the URI runs to the next space, less any sentence
// punctuation after it.
const MENTION = /(?<=^|[\s(])@([A-Za-z0-9_-]{1,32}):(\S+)/g;
const TRAILING = /[.,;:!?'")\]]+$/;

/**
 * The `@server:uri` mentions in a task, as Claude Code reads them, for servers that offer resources (an email
 * address or a mention of another server stays text). Pure: no server is asked anything.
 */
export function findMentions(text: string, servers: readonly string[]): Mention[] {
  const found: Mention[] = [];
  for (const match of text.matchAll(MENTION)) {
    const server = match[1] as string;
    const uri = (match[2] as string).replace(TRAILING, "");
    if (!servers.includes(server) || !uri.includes(":")) continue;
    if (!found.some((m) => m.server === server && m.uri === uri)) found.push({ server, uri });
  }
  return found;
}

/** What attaching needs: the pool, the budget for each resource, and where to say what was attached. */
export interface AttachDeps {
  pool: ServerPool;
  budgetTokens: number;
  timeoutMs: number;
  signal: AbortSignal;
  notice(message: string): void;
}

/** A user turn's content with its attachments: text, and the images of image resources. */
export type TurnBlock = TextBlockParam | ImageBlockParam;

/**
 * The user turn for a task: its text, then each mentioned resource read and cut to the output budget, in a
 * <resource> block that names it, which its text cannot close (block-tags.ts); an image resource's images go inside it,
 * as image blocks between its opening and closing lines. A resource that cannot be read is named too, with why, so the model knows.
 */
export async function withAttachments(text: string, deps: AttachDeps): Promise<string | TurnBlock[]> {
  const mentions = findMentions(text, deps.pool.offering("resources"));
  if (mentions.length === 0) return text;
  const blocks: TurnBlock[] = [{ type: "text", text }];
  const audienceFor = listedAudiences(deps.pool, deps.timeoutMs, deps.signal);
  for (const { server, uri } of mentions) {
    const tag = `server="${server}" uri="${uri.replace(/"/g, "%22")}"`;
    try {
      const [read, audience] = await Promise.all([
        readResource(deps.pool, server, uri, deps.timeoutMs, deps.signal),
        audienceFor(server, uri),
      ]);
      if (audience === "user") {
        // Listed for the user only (content-audience.ts): shown here, and the model is told so, as for a tool result.
        const views = resourceResult(read).content.map((c) => userView(c));
        blocks.push({ type: "text", text: tagged("resource", FOR_USER, tag) });
        deps.notice(
          `${server}:${uri} is for you only (the server marks it for the user), so it is not sent to the model:\n${indented(userText(views))}`,
        );
        continue;
      }
      const converted = convertResult(resourceResult(read), deps.budgetTokens);
      const images = converted.content.filter((c) => c.type === "image");
      const body = converted.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
      if (images.length === 0) blocks.push({ type: "text", text: tagged("resource", body, tag) });
      else {
        blocks.push(
          { type: "text", text: `<resource ${tag}>${body ? `\n${escapeClosingTag(body, "resource")}` : ""}` },
          ...images,
        );
        blocks.push({ type: "text", text: "</resource>" });
      }
      const imageBytes = images.reduce(
        (n, i) => n + (i.source.type === "base64" ? Buffer.byteLength(i.source.data, "base64") : 0),
        0,
      );
      const imageText = images.length ? `, ${images.length === 1 ? "an image" : `${images.length} images`}` : "";
      deps.notice(
        `attached ${server}:${uri} (${converted.bytes + imageBytes} bytes${imageText}${converted.cut ? `, cut to ${deps.budgetTokens} tokens` : ""})`,
      );
    } catch (error) {
      if (deps.signal.aborted) throw error;
      const why = (error as Error).message;
      blocks.push({
        type: "text",
        text: `<resource ${tag} error="could not be read">${escapeClosingTag(why, "resource")}</resource>`,
      });
      deps.notice(`could not attach ${server}:${uri}: ${why}`);
    }
  }
  return blocks;
}
