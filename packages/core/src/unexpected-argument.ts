// What a bin says of a bare argument. The reference filesystem server takes its folders as bare arguments, and Claude
// Desktop configs copied from it pass them so (`"args": ["/Users/me/Desktop"]`): a path there is meant for the option
// that takes paths, which the message names.

/** The options, in order of preference, that a bare path is meant for, when the server has one. */
const PATH_OPTIONS = ["root", "db"] as const;

/** The refusal of a bare argument `arg`, naming the option a path is given with when `options` has one. */
export function unexpectedArgument(arg: string, options: Readonly<Record<string, unknown>>): string {
  const option = PATH_OPTIONS.find((name) => name in options);
  const looksLikePath = /^(?:\/|~|\.{1,2}(?:\/|$)|[A-Za-z]:[\\/])/.test(arg);
  if (option === undefined || !looksLikePath) return `unexpected argument "${arg}" (see --help)`;
  const more = option === "root" ? `, once per folder: --root /a --root /b` : "";
  return `unexpected argument "${arg}": a path is given with --${option} (write "--${option}", "${arg}"${more}), not as a bare argument as the reference servers take it (see --help)`;
}
