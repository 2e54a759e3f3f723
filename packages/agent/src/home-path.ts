// A path flag given as `--workspace=~/x` reaches the agent with its `~` as typed: a shell expands `~` only at the
// start of a word, and a client config or MCP_WORKSPACE in a launcher is not expanded by any shell. Taken literally
// it makes a folder named `~` in the current one (a trap for the next `rm -rf ~`), so the agent reads it as a shell
// would. `~user` is left alone: there is no portable way to look it up, and a folder may really start with `~`.

/** `~` and `~/…` as the home directory `home`; any other path as given. Pure. */
export function expandHomePath(path: string, home: string): string {
  if (!home) return path;
  if (path === "~") return home;
  if (path.startsWith("~/")) return `${home.replace(/\/+$/, "")}/${path.slice(2)}`;
  return path;
}
