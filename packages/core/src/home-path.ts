// `~` as a shell reads it, for paths that reach us unexpanded: a client's config or a launcher's environment has no
// shell, a shell expands `~` only at the start of a word (`--workspace=~/x` keeps it), and a model writes `~/notes`
// meaning home. Taken literally, `~/x` makes a folder named `~` where it runs, a trap for the next `rm -rf ~`.
// `~user` is left as typed: there is no portable way to look it up, and a name may really start with `~`.
import path from "node:path";

/** `~` and `~/…` as the home directory `home` (none known: as given); any other path as given. Pure. */
export function expandHome(input: string, home: string, sep: string = path.sep): string {
  if (!home) return input;
  if (input === "~") return home;
  if (input.startsWith("~/") || input.startsWith(`~${sep}`)) {
    return (sep === "/" ? path.posix : path.win32).join(home, input.slice(2));
  }
  return input;
}
