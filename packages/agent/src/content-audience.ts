// Who a tool result's content, a prompt's message or an attached resource is for. MCP annotations (2026-07-28,
// server/resources#annotations) let a server mark each content item, resource or template with `audience`: "user",
// "assistant" or both. The agent follows it: an item for the user only is shown on the terminal and not sent to the
// model (which is told that something was shown), one for the assistant only goes to the model and is not printed. No
// audience, an empty one or both roles: both. (slash.ts applies it to prompts, resource-audience.ts to attachments.)

import { cutIndex, plural } from "@mcp-toolkit/core";

/** Where a content item goes: to both, to the user only, or to the model only. */
export type Audience = "both" | "user" | "model";

/** What an annotated item or an embedded resource's contents may carry. */
type Annotations = { annotations?: { audience?: unknown } | undefined };

/**
 * Where `item` goes, by its `audience` annotation: the block's own, else its embedded resource's (the spec's example
 * puts it there).
 */
export function audienceOf(item: Annotations & { resource?: object }): Audience {
  const audience = item.annotations?.audience ?? (item.resource as Annotations | undefined)?.annotations?.audience;
  if (!Array.isArray(audience)) return "both";
  const user = audience.includes("user");
  const assistant = audience.includes("assistant");
  if (user && !assistant) return "user";
  if (assistant && !user) return "model";
  return "both";
}

/** The most characters of content for the user only printed from one result. */
export const USER_TEXT_CHARS = 4000;

/** A content item for the user only, as the terminal shows it: its text, or what it is when it has none. */
export function userView(item: {
  type: string;
  text?: string;
  mimeType?: string;
  uri?: string;
  resource?: { uri: string; text?: string; mimeType?: string | undefined };
}): string {
  if (item.type === "text" && typeof item.text === "string") return item.text;
  if (item.type === "resource" && typeof item.resource?.text === "string") return item.resource.text;
  const what = item.resource?.uri ?? item.uri ?? item.mimeType ?? item.type;
  return `[${item.type} ${what}: not shown on a terminal]`;
}

/** Content for the user only as the terminal sets it in: four spaces before each line, under its result or notice. */
export function indented(text: string): string {
  return text.replace(/^/gm, "    ");
}

/** What the model gets in place of `count` items (`noun`: "part", "message") of `of` that were for the user only. */
export function forUserNote(count: number, noun: string, of: string): string {
  return `[${plural(count, noun)} of ${of} shown to the user only (the server marked it for the user), not to you]`;
}

/** Content for the user only, one text, cut to USER_TEXT_CHARS saying how long it was. */
export function userText(views: readonly string[]): string {
  const text = views.join("\n");
  if (text.length <= USER_TEXT_CHARS) return text;
  // Not between the halves of a surrogate pair.
  const end = cutIndex(text, USER_TEXT_CHARS);
  return `${text.slice(0, end)}… [${text.length} characters in all; the first ${USER_TEXT_CHARS} shown]`;
}
