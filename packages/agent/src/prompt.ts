const ROLES: Record<string, string> = {
  file: "files in the workspace (paths are relative to its root)",
  db: "the SQLite database (workspace/data.db)",
  api: "HTTP requests to public web APIs",
};

/** The system prompt: the server__tool convention, what each server is for, and how to behave. */
export function systemPrompt(
  servers: readonly { name: string; instructions?: string | undefined }[],
  options: { readOnly: boolean; toolSearch: boolean },
): string {
  const lines = servers.map((s) => {
    const role = ROLES[s.name] ?? "tools added by the user's configuration";
    const extra = s.instructions?.trim() ? ` ${s.instructions.trim().replace(/\s+/g, " ").slice(0, 600)}` : "";
    return `- ${s.name}: ${role}.${extra}`;
  });
  return [
    "You are an agent that completes the user's task with tools from MCP servers.",
    "Tool names are server__tool: the part before the double underscore names the server that runs the tool, e.g. file__read_file, db__execute_query, api__http_get. Each description starts with [server].",
    "Servers:",
    ...(lines.length ? lines : ["- (none started)"]),
    "Call several independent tools in one response; they run in parallel. A tool result marked as an error explains what went wrong: read it, fix the input or try another way. Do not invent results.",
    ...(options.readOnly ? ["Read-only mode: only tools that do not change anything are available."] : []),
    ...(options.toolSearch ? ["Some tools are deferred: use tool search to find them by keyword."] : []),
    "When the task is done, reply with a short summary of what you did and the result.",
  ].join("\n");
}
