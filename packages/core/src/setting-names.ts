import type { OptionSpec } from "./cli-options.js";
import { SERVER_OPTIONS } from "./server-flags.js";

/**
 * How a message names one of a server's settings, in the terms of whoever configured the server: a bin's flag and
 * environment variable (`--allow-private (MCP_HTTP_ALLOW_PRIVATE=1)`), or a library's option (`allowPrivate: true`).
 * `option` is the library option's name; `value` the value that would allow what was refused, if there is one.
 */
export type SettingNames = (option: string, value?: string) => string;

/** Library terms: the option as it is written in code. */
export const optionNames: SettingNames = (option, value) => (value === undefined ? option : `${option}: ${value}`);

/**
 * A bin's terms, from its option specs and the ones every bin takes (SERVER_OPTIONS, which serve() adds): a
 * `maxResponseBytes` is `--max-response-bytes N (MCP_…)`, `stateful` is `--stateful (MCP_HTTP_STATEFUL=1)`.
 */
export function flagNames(own: Readonly<Record<string, OptionSpec>>): SettingNames {
  const options: Readonly<Record<string, OptionSpec>> = { ...SERVER_OPTIONS, ...own };
  return (option, value) => {
    // A list option is plural in code and a repeatable singular flag on the command line: allowedHosts, --allowed-host.
    const plural = option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const flag = plural in options ? plural : plural.replace(/s$/, "");
    const spec = options[flag];
    if (!spec) return optionNames(option, value);
    if (spec.type === "boolean") return `--${flag}${spec.env ? ` (${spec.env}=1)` : ""}`;
    const shown = value ?? spec.valueName ?? "VALUE";
    return `--${flag} ${shown}${spec.env ? ` (${spec.env})` : ""}`;
  };
}
