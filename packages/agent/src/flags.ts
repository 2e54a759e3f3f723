import { DEFAULT_MODEL } from "./config.js";

/** The flags, as node:util parseArgs options. */
export const FLAGS = {
  workspace: { type: "string", short: "w" },
  config: { type: "string", short: "c" },
  "trust-workspace-config": { type: "boolean" },
  "allow-replace-builtin": { type: "boolean" },
  model: { type: "string", short: "m" },
  "max-turns": { type: "string" },
  "token-budget": { type: "string" },
  "max-budget-usd": { type: "string" },
  "max-tokens": { type: "string" },
  thinking: { type: "string" },
  "tool-timeout": { type: "string" },
  "startup-timeout": { type: "string" },
  "output-budget": { type: "string" },
  "max-retries": { type: "string" },
  "tool-search": { type: "string" },
  "read-only": { type: "boolean" },
  "allow-hosts": { type: "string" },
  "allow-loopback": { type: "boolean" },
  ask: { type: "boolean" },
  "allow-sampling": { type: "boolean" },
  "sampling-budget": { type: "string" },
  strict: { type: "boolean" },
  audit: { type: "string" },
  json: { type: "boolean" },
  "list-tools": { type: "boolean" },
  "print-config": { type: "string" },
  login: { type: "string", valueName: "NAME" },
  logout: { type: "string", valueName: "NAME" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Parsed flag values (all optional). */
export type FlagValues = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string };

/** Help text: every flag and environment variable with its default. */
export const HELP = `Usage: mcp-agent [options] ["task"]      (from the repo root: pnpm agent "task")

Runs a Claude tool-use loop over MCP servers: file (filesystem), db (SQLite) and api (HTTP) by
default, plus any in ./mcp.json. With no task, starts an interactive session (piped: a turn per line).
With a task, piped stdin (cmd | mcp-agent "task", or < file) is attached to it as context: UTF-8 text,
256 KiB at most (more, or binary, is refused with exit 2); a pipe silent for 5 s is not waited for.

Options:
  -w, --workspace DIR      filesystem root; database is DIR/data.db     [MCP_WORKSPACE, ./workspace]
  -c, --config FILE        extra servers (mcpServers format): {command,args,env} or {url,headers} for
                           Streamable HTTP, {"type":"sse",url} for HTTP+SSE, ws:// or wss:// for
                           WebSocket                                           [./mcp.json if present]
      --trust-workspace-config
                           load a config file that lies inside the workspace, where the model writes
                           (refused otherwise)
      --allow-replace-builtin
                           let config entries named file, db or api replace the built-in servers
  -m, --model ID           Claude model                            [ANTHROPIC_MODEL, ${DEFAULT_MODEL}]
      --max-turns N        model requests per task before giving up (exit 3)                     [25]
      --token-budget N     tokens (in, cached included, + out) the run's model requests may use in
                           all; no request is made once they reach N (exit 3)                     [off]
      --max-budget-usd D   estimated dollars (list prices, as the summary's cost) the run's model
                           requests may spend; no request is made once they reach D (exit 3)      [off]
      --max-tokens N       max output tokens per response                                    [16000]
      --thinking N         extended thinking with a budget of N tokens (≥ 1024)                    [off]
      --tool-timeout MS    per tool call                                       [MCP_TOOL_TIMEOUT, 60000]
      --startup-timeout MS per server start (spawn → tools listed)                            [20000]
      --output-budget N    tool result cap in tokens, cut with a notice  [MAX_MCP_OUTPUT_TOKENS, 25000]
      --max-retries N      API retries on 408/409/429/5xx (waits as retry-after asks, ≤ 60 s), 0–10 [3]
      --tool-search MODE   auto|on|off: defer large config-added tool sets behind tool search    [auto]
      --read-only          offer only tools that change nothing and keep data on this machine (no
                           api__http_get unless --allow-hosts, no tool of a server reached by URL);
                           built-in servers start read-only.
                           The model still reads every workspace file, and the Messages API sees it
      --allow-hosts LIST   hosts the api server may reach, e.g. api.github.com,*.example.com:8443
                           (with --read-only, offers its GET for them)
                                                                [MCP_HTTP_ALLOW_HOSTS, any public host]
      --allow-loopback     let the api server reach this machine's loopback (127.0.0.0/8, ::1,
                           localhost) alone, e.g. a local dev API; also MCP_HTTP_ALLOW_LOOPBACK=1  [off]
      --ask                ask y/n/a on the terminal before a tool that changes something or can send
                           data off this machine, as every URL server's can (the question names the
                           host; a: always, that tool)
      --allow-sampling     let servers ask the run's model for completions (MCP sampling): shown in the
                           transcript, counted in the summary, at most 4096 output tokens each
      --sampling-budget N  tokens (in + out) sampling may use in all, then it is refused       [20000]
      --strict             a server that fails to start is fatal
      --audit FILE         audit log (JSONL)                         [WORKSPACE/.agent/audit.jsonl]
      --json               print a machine-readable transcript and result on stdout
      --list-tools         print the namespaced tools, each server's resources (the first 20; --json:
                           all) and prompts, and exit (no API key needed)
      --print-config KIND  claude-desktop | claude-code: print registration for the three servers
      --login NAME         log in to the mcp.json server NAME with OAuth (browser, loopback redirect
                           on 127.0.0.1); the token is kept in $XDG_CONFIG_HOME/mcp-toolkit/oauth
                           (~/.config/…, mode 0600) and refreshed silently
      --logout NAME        forget the stored OAuth login for NAME, and revoke its tokens at the
                           authorization server when it offers revocation (exit 1 if that fails)
  -v, --verbose            server stderr, ready times and protocol eras, all server log levels, stack traces
  -h, --help / --version

In a task or a typed line, @server:uri attaches that resource (the model also gets mcp__list_resources and
mcp__read_resource). At the interactive prompt, /server:prompt name=value … sends a server's prompt as your
turn; /help lists them; Tab completes. Servers' questions are asked on the terminal (not offered without one).

Environment: ANTHROPIC_API_KEY, or ANTHROPIC_AUTH_TOKEN (bearer, for gateways); ANTHROPIC_BASE_URL;
ANTHROPIC_MODEL. The agent's environment is passed on to the servers it starts (MCP_* settings), less
its API credentials, and NODE_EXTRA_CA_CERTS for file and db (they never dial out) unless OTLP export is set.
MCP_WORKSPACE is one path, ':' included, or a JSON array of one ('["/home/me:proj"]'); the lists
MCP_FS_HIDE (':'-separated) and MCP_HTTP_ALLOW_HOSTS (comma list) may be JSON arrays of strings too.
Exit codes: 0 done, 1 failed, 2 usage/configuration (incl. --strict), 3 turn, token or cost limit, 129 terminal closed (SIGHUP), 130 Ctrl-C, 143 SIGTERM.
A server whose calls fail 5 times in a row (a dead or unreachable server), or a tool that times out 5 times
in a row, is skipped for 30 s, then one call probes it (circuit breaker).
`;
