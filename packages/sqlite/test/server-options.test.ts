import { join } from "node:path";
import { flagNames, type Logger, optionNames } from "@mcp-toolkit/core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteServerFactory } from "../src/server.js";
import { ignoredAttachWarning } from "../src/server-options.js";
import { tempDir } from "./helpers.js";

const FLAGS = flagNames({
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "" },
  "allow-attach": { type: "boolean", env: "MCP_SQLITE_ALLOW_ATTACH", description: "" },
});

describe("ignoredAttachWarning: allowAttach on a server that lists no tool taking ATTACH", () => {
  it.each([
    [
      { allowAttach: true, readOnly: true },
      true,
      optionNames,
      /^allowAttach: true has no effect with readOnly: true: /,
    ],
    [
      { allowAttach: true, readOnly: true },
      true,
      FLAGS,
      /^--allow-attach \(MCP_SQLITE_ALLOW_ATTACH=1\) has no effect with --read-only \(MCP_READ_ONLY=1\): only execute_write and execute_transaction take ATTACH, DETACH and VACUUM INTO, and a read-only server lists neither, so it is ignored$/,
    ],
    // A read-only handle or executor makes the server read-only without the option.
    [{ allowAttach: true }, true, optionNames, /has no effect with a database opened read-only: /],
  ])("%o (read-only: %s) warns", (options, readOnly, names, warning) => {
    expect(ignoredAttachWarning(options, readOnly, names)).toMatch(warning);
  });

  it.each([
    [{ allowAttach: true }, false],
    [{ allowAttach: false, readOnly: true }, true],
    [{ readOnly: true }, true],
    [{}, false],
  ])("%o (read-only: %s) does not", (options, readOnly) => {
    expect(ignoredAttachWarning(options, readOnly, optionNames)).toBeUndefined();
  });
});

describe("a read-only server given allowAttach", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("warns once, as it is built", async () => {
    const path = join(tmp.dir, "data.db");
    new Database(path).close();
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
    const factory = createSqliteServerFactory({ database: path, readOnly: true, allowAttach: true, logger });
    factory();
    factory();
    await factory.close();
    expect(warnings).toEqual([expect.stringMatching(/^allowAttach: true has no effect with readOnly: true/)]);
  });
});
