/**
 * The string rules a server's question may set — `format` (the four the spec allows: email, uri, date, date-time),
 * `minLength`, `maxLength` — checked as the answer is typed. Pure. A server that validates the answer (the SDKs'
 * `elicitInput` does) refuses the whole form over one field, after every field was answered.
 */

/** What a string field may say about its answers. */
export interface StringRules {
  format?: string;
  minLength?: number;
  maxLength?: number;
}

// Close to ajv-formats' "full" checks, which the SDKs validate answers with: a dotted domain, a scheme.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:z|[+-]\d{2}:\d{2})$/i;

/** Whether y-m-d is a day of the calendar (no 2023-02-30). */
function isDay(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

const FORMATS: Record<string, { ok: (text: string) => boolean; example: string }> = {
  email: { ok: (t) => EMAIL.test(t), example: "ada@example.com" },
  uri: { ok: (t) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(t) && URL.canParse(t), example: "https://example.com/page" },
  date: { ok: isDay, example: "2026-03-14" },
  "date-time": {
    ok: (t) => {
      const [day = "", time = ""] = t.split(/[t ]/i);
      const m = TIME.exec(time);
      return isDay(day) && m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 61;
    },
    example: "2026-03-14T15:09:26Z",
  },
};

const NAMES: Record<string, string> = { email: "an email address", uri: "a URI" };

/** Why `text` breaks the field's rules, in words for the person typing; undefined when it keeps them. */
export function stringProblem(rules: StringRules, text: string): string | undefined {
  const length = [...text].length;
  if (rules.minLength !== undefined && length < rules.minLength) return `at least ${rules.minLength} characters`;
  if (rules.maxLength !== undefined && length > rules.maxLength) return `at most ${rules.maxLength} characters`;
  const format = rules.format === undefined ? undefined : FORMATS[rules.format];
  if (format && !format.ok(text))
    return `${NAMES[rules.format as string] ?? `a ${rules.format}`} is needed, e.g. ${format.example}`;
  return undefined;
}
