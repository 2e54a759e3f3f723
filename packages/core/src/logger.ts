import { tracing } from "./telemetry.js";

/** Log levels, most to least verbose. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How each line is written: `[name] level: message`, or one JSON object per line for a log collector. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

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

/** Is `value` one of LOG_FORMATS? */
export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

/** What a terminal acts on in a log message: C0 and C1 controls but tab and newline, and bidirectional overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A message as one text log entry: its later lines indented, so that none (a client's text carrying a newline and
 * `[name] error: …`) can pass for an entry of its own, and the control characters a terminal acts on (escapes, a
 * carriage return that would overwrite the line, bidirectional overrides) written as `\u` escapes. Tabs stay. Pure.
 */
export function textMessage(message: string): string {
  return message
    .replace(/\r\n|\r|\n/g, "\n  ")
    .replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * One log line, newline included. `text`: `[name] level: message` (textMessage). `json`: `{"time", "level",
 * "logger", "message"}` (time in ISO 8601, UTC), with `trace_id` and `span_id` when written inside a traced span
 * (OTEL_* export on), so a collector can join the line to its trace.
 */
export function logLine(
  format: LogFormat,
  name: string,
  level: Exclude<LogLevel, "silent">,
  message: string,
  now: Date = new Date(),
): string {
  if (format === "text") return `[${name}] ${level}: ${textMessage(message)}\n`;
  const ids = tracing().currentIds();
  const trace = ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
  return `${JSON.stringify({ time: now.toISOString(), level, logger: name, message, ...trace })}\n`;
}

/** Create a stderr logger that writes `format` lines (see logLine) at or above `level`. */
export function createLogger(
  name: string,
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
  format: LogFormat = "text",
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at =
    (lvl: Exclude<LogLevel, "silent">) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(lvl) >= threshold) write(logLine(format, name, lvl, message));
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger that drops everything; the default for library use. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
