// What VS Code's mcp.json (`"servers"`, in `.vscode/mcp.json`) writes besides `${VAR}`: `${env:VAR}`,
// `${workspaceFolder}`, `${userHome}`, `${input:id}` (a value VS Code asks the user for), and `envFile`. Copied into
// the agent's servers file, `${env:HOME}` went to the server as those very characters, and `envFile` was dropped.
import { readFileSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseEnv } from "node:util";
import { UsageError } from "@mcp-toolkit/core";

/** The largest envFile read: a file of settings, not data. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/**
 * The variables VS Code defines for a servers file in `baseDir`, added to `env` (theirs win: VS Code has them so):
 * the workspace is the folder that holds `.vscode/`, or `baseDir` itself for a file elsewhere.
 */
export function withEditorVariables(
  env: Record<string, string | undefined>,
  baseDir: string,
  home: string,
): Record<string, string | undefined> {
  const workspace = basename(baseDir) === ".vscode" ? dirname(baseDir) : baseDir;
  return {
    ...env,
    workspaceFolder: workspace,
    workspaceRoot: workspace,
    workspaceFolderBasename: basename(workspace),
    userHome: home,
    pathSeparator: "/",
  };
}

/** `${env:VAR}` as `${VAR}`; a refusal for `${input:id}`, which only VS Code can ask for. */
export function editorReferences(text: string, where: string): string {
  const input = /\$\{input:([^}]*)\}/.exec(text);
  if (input) {
    throw new UsageError(
      `${where}: \${input:${input[1]?.slice(0, 40)}} is a value VS Code asks the user for, which the agent does not ask; export it as a variable and write \${NAME} (or \${env:NAME})`,
    );
  }
  return text.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)((?::-[^}]*)?)\}/g,
    (_, name: string, rest: string) => `\${${name}${rest}}`,
  );
}

/** The variables of an envFile (`NAME=value` lines, `#` comments, quotes, `export`), read as dotenv files are. */
export function readEnvFile(path: string, where: string): Record<string, string> {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_ENV_FILE_BYTES) {
      throw new UsageError(`${where}: ${path} is ${size} bytes, over the ${MAX_ENV_FILE_BYTES} an envFile may be`);
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `${where}: cannot read ${path} (${code}); give the path of an existing .env file, relative to the servers file's folder`,
    );
  }
  return parseEnv(text) as Record<string, string>;
}
