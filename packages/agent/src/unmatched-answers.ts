import { SKIPPED_REPORTS } from "@mcp-toolkit/core";

/** The SDK's words for a response whose id no request of its client is waiting for; the response follows as JSON. */
const UNMATCHED = "Received a response for an unknown message ID: ";

/**
 * Answers a server sent that no call was waiting for: an id it was never sent, or one given up on. The SDK drops
 * them (telling only its `onerror`), so a server that mangles ids looked hung until --tool-timeout; they are counted,
 * the first SKIPPED_REPORTS reported (for --verbose), and the latest id kept to quote when a call then times out.
 */
export class UnmatchedAnswers {
  /** How many such answers so far. */
  count = 0;
  private latest = "";

  constructor(private readonly onReport?: (line: string) => void) {}

  /** Take an error the SDK's client reported; false if it is not about such an answer. */
  add(error: Error): boolean {
    if (!error.message.startsWith(UNMATCHED)) return false;
    this.latest = idOf(error.message.slice(UNMATCHED.length));
    this.count++;
    if (this.count <= SKIPPED_REPORTS) {
      const more = this.count === SKIPPED_REPORTS ? " (later ones are not shown)" : "";
      this.onReport?.(`answered id ${this.latest}, which no call was waiting for: ignored${more}`);
    }
    return true;
  }

  /** The answers since `mark` (an earlier count), in words for an error line; undefined if there were none. */
  since(mark: number): string | undefined {
    const count = this.count - mark;
    if (count <= 0) return undefined;
    const answers = count === 1 ? "1 answer" : `${count} answers`;
    return `it sent ${answers} with an id no call was waiting for (the latest ${this.latest}); an MCP server must answer with the id of the request it answers`;
  }
}

/** The response's id as JSON, clipped; the response itself may be megabytes. */
function idOf(json: string): string {
  let id: unknown;
  try {
    id = (JSON.parse(json) as { id?: unknown }).id;
  } catch {
    return "(unreadable)";
  }
  const shown = JSON.stringify(id) ?? "(none)";
  return shown.length > 40 ? `${shown.slice(0, 37)}...` : shown;
}
