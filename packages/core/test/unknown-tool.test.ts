import { describe, expect, it } from "vitest";
import { unknownToolMessage } from "../src/unknown-tool.js";

describe("unknownToolMessage", () => {
  const offered = new Set(["read_file", "write_file", "list_directory"]);

  it.each<[string, ReadonlySet<string>, string | undefined]>([
    [
      "Tool read_fil not found",
      offered,
      "Tool read_fil not found (did you mean read_file?); the tools offered here are read_file, write_file, list_directory",
    ],
    [
      "Tool execute_write not found",
      offered,
      "Tool execute_write not found; the tools offered here are read_file, write_file, list_directory",
    ],
    ["Tool x not found", new Set(), "Tool x not found; no tools are offered here"],
    // Any other invalid-params answer is left as it is.
    ["Tool read_file disabled", offered, undefined],
    ["Invalid params: cursor", offered, undefined],
  ])("%s", (message, names, explained) => {
    expect(unknownToolMessage(message, names)).toBe(explained);
  });
});
