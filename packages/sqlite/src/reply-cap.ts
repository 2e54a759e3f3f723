/** The response cap, measured and named the same way by every reply that must fit it. */

/** The bytes of `value` as JSON text, which is what the response cap counts. */
export function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The response cap as messages name it: "100000-byte response cap (set by --max-bytes N)". */
export function capName(caps: { maxBytes: number; maxBytesSetting?: string | undefined }): string {
  return `${caps.maxBytes}-byte response cap${caps.maxBytesSetting ? ` (set by ${caps.maxBytesSetting})` : ""}`;
}
