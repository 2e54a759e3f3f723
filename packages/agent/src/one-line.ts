import { cutIndex } from "@mcp-toolkit/core";
import { printable, printableJson } from "./terminal-text.js";

/** Compact one-line form of a value, safe to print (terminal-text.ts), cut to max characters. */
export function oneLine(value: unknown, max: number): string {
  const text = printable(
    (typeof value === "string" ? value : (printableJson(value) ?? "")).replace(/\s+/g, " "),
  ).trim();
  if (text.length <= max) return text;
  // Not between the halves of a surrogate pair (half an emoji shows as U+FFFD).
  const end = cutIndex(text, max - 1);
  return `${text.slice(0, end).trimEnd()}…`;
}

/** The text of an HTTP answer's body on one line (oneLine), with its tags and its scripts' and styles' code left out. */
export function pageText(body: string, max: number): string {
  return oneLine(body.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " "), max);
}
