/** Log levels, most to least verbose. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger that writes only to stderr: on stdio, stdout belongs to the protocol. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Is `value` one of LOG_LEVELS? */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Create a stderr logger that prints `[name] level: message` at or above `level`. */
export function createLogger(
  name: string,
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at =
    (lvl: Exclude<LogLevel, "silent">) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(lvl) >= threshold) write(`[${name}] ${lvl}: ${message}\n`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger that drops everything; the default for library use. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
