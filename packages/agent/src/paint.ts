import { styleText } from "node:util";

/** The agent's styles, each a no-op when colour is off. */
export interface Style {
  dim(s: string): string;
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
}

/** `text` in one of the agent's styles when `color` is on (the caller judges its own stream: a TTY, no NO_COLOR). */
export function paint(color: boolean, format: keyof Style, text: string): string {
  // styleText's own check would look at process.stdout and its environment, not the stream and env the run was given.
  return color ? styleText(format, text, { validateStream: false }) : text;
}

/** The agent's styles for a stream: coloured when `color` is on. */
export function style(color: boolean): Style {
  const wrap = (format: keyof Style) => (text: string) => paint(color, format, text);
  return { dim: wrap("dim"), bold: wrap("bold"), red: wrap("red"), green: wrap("green") };
}
