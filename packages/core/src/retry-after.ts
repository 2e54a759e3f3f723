// A Retry-After header (RFC 9110 §10.2.3) read once for every package that honours or reports one: the HTTP server's
// retries of a 429/503, and the warnings about a telemetry collector that refused an export.

/**
 * The wait a Retry-After value asks for, in milliseconds: seconds (whole by the RFC; a fraction such as "1.5" is read
 * as meant), or an HTTP date (one already past asks for no wait). Undefined for anything else: Date.parse alone would
 * read "-1" or "12 Dec" as dates long past, so a date must start with its day's name.
 */
export function retryAfterMs(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = /^[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
