import { UsageError } from "@mcp-toolkit/core";

// Reading a servers file's text into its `mcpServers` object, saying in one line what is wrong with the JSON and what
// to write instead: users copy these files from Claude Desktop, Claude Code, VS Code or a README, with the slips that
// come with it (comments, trailing commas, a server pasted twice, another client's top-level key).

/** `line L, column C` of an offset in text, 1-based. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

const STRING = /"(?:[^"\\]|\\.)*"/y;

/**
 * The first slip outside a string that JSON.parse names only as an unexpected character (and on Node 20 not always
 * by position): a comment, a comma before a closing bracket, single quotes; with where it is and what to do.
 */
function firstSlip(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    let slip: string | undefined;
    if (c === '"') {
      STRING.lastIndex = i;
      i += (STRING.exec(text)?.[0].length ?? 1) - 1;
      continue;
    }
    if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) slip = "JSON has no comments: remove it";
    else if (c === "'") slip = "JSON strings and keys take double quotes";
    else if (c === ",") {
      const close = /^\s*([}\]])/.exec(text.slice(i + 1))?.[1];
      if (close !== undefined) slip = `JSON allows no comma before a closing ${close}: remove it`;
    }
    if (slip !== undefined) {
      const { line, column } = lineColumn(text, i);
      return `line ${line}, column ${column}: ${slip}`;
    }
  }
  return undefined;
}

/**
 * JSON.parse's complaint on one line, with the line and column of the position it gives (Node 20 names only the
 * position, which in a file of forty lines says little) and, for a comment, a trailing comma or single quotes, where
 * it is and what to do about it.
 */
export function jsonProblem(error: unknown, text: string): string {
  const said = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
  const at = /at position (\d+)/.exec(said);
  const where = at && !/\bline \d/.test(said) ? lineColumn(text, Number(at[1])) : undefined;
  const slip = firstSlip(text);
  return `${said}${where ? ` (line ${where.line}, column ${where.column})` : ""}${slip ? `; ${slip}` : ""}`;
}

/**
 * The first key that appears twice in one object of valid JSON, with its path and both lines. JSON.parse keeps the
 * last silently, so a server pasted in twice under one name (or an env variable given twice) would lose the first.
 * Only keys whose path starts with `under` count (a full Claude Desktop config has settings of its own).
 */
export function duplicateKey(text: string, under = ""): { path: string; lines: [number, number] } | undefined {
  // One frame per open object (keys seen, with their lines) or array (null); `key` is the last key read in it.
  const frames: { keys: Map<string, number> | null; path: string; key: string }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = frames.at(-1);
    if (c === "{" || c === "[") {
      const path = top === undefined ? "" : top.keys === null ? `${top.path}[]` : joinPath(top.path, top.key);
      frames.push({ keys: c === "{" ? new Map() : null, path, key: "" });
    } else if (c === "}" || c === "]") {
      frames.pop();
    } else if (c === '"') {
      STRING.lastIndex = i;
      const token = STRING.exec(text)?.[0] ?? '""';
      const next = i + token.length;
      i = next - 1;
      if (!top?.keys || !/^\s*:/.test(text.slice(next, next + 64))) continue;
      const key = JSON.parse(token) as string;
      const line = lineColumn(text, next).line;
      const first = top.keys.get(key);
      const path = joinPath(top.path, key);
      if (first !== undefined && (under === "" || path === under || path.startsWith(`${under}.`)))
        return { path, lines: [first, line] };
      top.keys.set(key, line);
      top.key = key;
    }
  }
  return undefined;
}

function joinPath(path: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path === "" ? part : `${path}.${part}`;
}

const SHAPE = `{"mcpServers": {"name": {"command": …} | {"url": …}}}`;

/** Why parsed JSON has no usable `mcpServers`, saying what to write when it is another client's shape. */
function shapeProblem(data: unknown, file: string): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return `${file}: expected ${SHAPE}`;
  const top = data as Record<string, unknown>;
  const servers = top.mcpServers;
  if (Array.isArray(servers)) {
    return `${file}: mcpServers is a list; make it an object keyed by server name: ${SHAPE}`;
  }
  if (typeof servers === "object" && servers !== null) return undefined;
  if (servers !== undefined) return `${file}: mcpServers must be an object: ${SHAPE}`;
  if (typeof top.servers === "object" && top.servers !== null) {
    return `${file}: "servers" is VS Code's key for this list; rename it "mcpServers" (the entries read the same)`;
  }
  const entry = Object.entries(top).find(
    ([, v]) => typeof v === "object" && v !== null && ("command" in v || "url" in v),
  );
  if (entry !== undefined) {
    return `${file}: ${JSON.stringify(entry[0])} is at the top level; put the servers inside "mcpServers": {"mcpServers": {${JSON.stringify(entry[0])}: {…}}}`;
  }
  return `${file}: expected ${SHAPE}`;
}

/** The `mcpServers` object of a servers file's text; throws UsageError in one line naming the file. */
export function readServersJson(text: string, file: string): Record<string, unknown> {
  // A byte order mark (Windows editors write one) is not JSON, but is no part of the file's text either.
  const json = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${jsonProblem(error, json)})`);
  }
  const shape = shapeProblem(data, file);
  if (shape !== undefined) throw new UsageError(shape);
  const twice = duplicateKey(json, "mcpServers");
  if (twice !== undefined) {
    throw new UsageError(
      `${file}: ${twice.path} is given twice (lines ${twice.lines[0]} and ${twice.lines[1]}), and JSON would keep only the last; rename or remove one`,
    );
  }
  return (data as { mcpServers: Record<string, unknown> }).mcpServers;
}
