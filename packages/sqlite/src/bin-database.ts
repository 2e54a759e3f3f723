// Which database file the bin serves. Given no --db it serves ./workspace/data.db, except when started in the top
// directory: Claude Desktop starts servers in /, and a /workspace made there is never what was meant. A relative
// --db is refused there too.
import { pathFromSetting, topDirectoryProblem } from "@mcp-toolkit/core";

/** The database path to serve, or the one line that refuses to start. */
export type DatabaseChoice = { path: string } | { problem: string };

/** The --db value's shape and variable, as the bin's messages name it. */
const FLAG = "--db PATH (MCP_SQLITE_DB)";

/**
 * The database for the --db value `given` (`defaulted` when nobody set it), `~/…` read as `home`'s (a client's config
 * reaches us with no shell to expand it), resolved against `cwd`. ":memory:" and "" stay as they are: "" is the path
 * check's to refuse, since resolved it would name the working directory. Pure.
 */
export function chooseDatabase(given: string, defaulted: boolean, cwd: string, home: string): DatabaseChoice {
  if (given === ":memory:" || given === "") return { path: given };
  if (defaulted) {
    const problem = topDirectoryProblem(cwd, { flag: FLAG, names: "the database file" });
    if (problem) return { problem };
  }
  return pathFromSetting(given, FLAG, cwd, home);
}
