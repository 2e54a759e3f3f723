/** What the annotations say about a tool, as far as permissions go. */
export interface Annotated {
  annotations?: { readOnlyHint?: boolean | undefined } | undefined;
}

/** Permission mode: run everything (default), read-only tools only, or ask before writes. */
export type PermissionMode = "all" | "read-only" | "ask";

/** Only readOnlyHint: true counts as read-only; a missing hint means "may write" (the MCP default). */
export function isReadOnly(tool: Annotated): boolean {
  return tool.annotations?.readOnlyHint === true;
}

/** Whether the model is offered this tool at all in a mode. */
export function isOffered(tool: Annotated, mode: PermissionMode): boolean {
  return mode !== "read-only" || isReadOnly(tool);
}

/** Whether a call needs a y/n from the user first. */
export function needsConsent(tool: Annotated, mode: PermissionMode): boolean {
  return mode === "ask" && !isReadOnly(tool);
}

/** Parse a y/n answer; anything but yes is a no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}
