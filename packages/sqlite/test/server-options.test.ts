import { join } from "node:path";
import { flagNames, type Logger, optionNames } from "@mcp-toolkit/core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteServerFactory } from "../src/server.js";
import { ignoredSettingWarnings } from "../src/server-options.js";
import { tempDir } from "./helpers.js";

const FLAGS = flagNames({
  "read-only": { type: "boolean", env: "MCP_READ_ONLY", description: "" },
  "allow-attach": { type: "boolean", env: "MCP_SQLITE_ALLOW_ATTACH", description: "" },
  confirm: { type: "string", env: "MCP_CONFIRM", valueName: "never|destructive", description: "" },
});

/** The one warning for these options, or undefined; more than one fails. */
function ignoredAttachWarning(options: Parameters<typeof ignoredSettingWarnings>[0], readOnly: boolean, names = FLAGS) {
  const lines = ignoredSettingWarnings(options, readOnly, names);
  expect(lines.length).toBeLessThan(2);
  return lines[0];
}

describe("ignoredSettingWarnings: allowAttach on a server that lists no tool taking ATTACH", () => {
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

describe("ignoredSettingWarnings: confirm: destructive on a server that lists no tool that asks", () => {
  it.each([
    [
      { confirm: "destructive", readOnly: true },
      true,
      FLAGS,
      /^--confirm destructive \(MCP_CONFIRM\) has no effect with --read-only \(MCP_READ_ONLY=1\): only execute_write and execute_transaction ask the user first, and a read-only server lists neither, so it is ignored$/,
    ],
    [
      { confirm: "destructive", readOnly: true },
      true,
      optionNames,
      /^confirm: destructive has no effect with readOnly/,
    ],
    [{ confirm: "destructive" }, true, optionNames, /has no effect with a database opened read-only: /],
  ] as const)("%o (read-only: %s) warns", (options, readOnly, names, warning) => {
    expect(ignoredSettingWarnings(options, readOnly, names)).toEqual([expect.stringMatching(warning)]);
  });

  it.each([
    [{ confirm: "destructive" }, false],
    [{ confirm: "never", readOnly: true }, true],
    [{ readOnly: true }, true],
  ] as const)("%o (read-only: %s) does not", (options, readOnly) => {
    expect(ignoredSettingWarnings(options, readOnly, optionNames)).toEqual([]);
  });

  it("warns for both settings together", () => {
    const lines = ignoredSettingWarnings({ confirm: "destructive", allowAttach: true, readOnly: true }, true, FLAGS);
    expect(lines).toEqual([
      expect.stringMatching(/^--allow-attach /),
      expect.stringMatching(/^--confirm destructive /),
    ]);
  });
});

describe("a read-only server given allowAttach and confirm: destructive", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("warns once, as it is built", async () => {
    const path = join(tmp.dir, "data.db");
    new Database(path).close();
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (line) => warnings.push(line), error() {} };
    const options = { database: path, readOnly: true, allowAttach: true, confirm: "destructive", logger } as const;
    const factory = createSqliteServerFactory(options);
    factory();
    factory();
    await factory.close();
    expect(warnings).toEqual([
      expect.stringMatching(/^allowAttach: true has no effect with readOnly: true/),
      expect.stringMatching(/^confirm: destructive has no effect with readOnly: true/),
    ]);
  });
});
