// OTEL_EXPORTER_OTLP_HEADERS (and its per-signal OTEL_EXPORTER_OTLP_TRACES_HEADERS / _METRICS_HEADERS), checked at
// start-up. The OTLP exporter parses them itself and drops, without a word, an entry it cannot read (`Authorization:
// Bearer x`, a stray `%`) and cuts a value at `;`: the collector then answers 401 to every export, and the warning
// points at the endpoint. The values are usually credentials, so a message names an entry by its place and key only.

/**
 * What is wrong with a headers variable's text (`key=value,…`, each part percent-encoded), or undefined. `name` is the
 * variable, for the message.
 */
export function otlpHeadersProblem(name: string, text: string | undefined): string | undefined {
  const entries = (text ?? "").split(",");
  for (const [i, entry] of entries.entries()) {
    if (!entry.trim()) continue;
    const at = entry.indexOf("=");
    const key = at > 0 ? entry.slice(0, at).trim() : "";
    const value = at > 0 ? entry.slice(at + 1).trim() : "";
    // A key that is no header name is most often a header written out with its value (`Authorization: Bearer
    // dG9rZW4=`, split at the token's padding): it is not shown, as it holds the credential.
    const decodedKey = percentDecoded(key);
    const named = decodedKey !== undefined && HEADER_NAME.test(decodedKey);
    const which = `entry ${i + 1}${key && named ? ` (${key})` : ""}`;
    const why = !key
      ? "is not key=value"
      : decodedKey === undefined || percentDecoded(value) === undefined
        ? "has a % that is not percent-encoding (write %25 for %)"
        : !named
          ? "is not key=value: its key is not a header name (no spaces or colons)"
          : !value
            ? "has no value"
            : value.includes(";")
              ? "has a ; in its value, which the exporter would cut there (write %3B)"
              : undefined;
    if (why) {
      return `${name} must be key=value pairs separated by commas, e.g. x-api-key=abc123 or authorization=Bearer%20abc123; ${which} ${why} (values not shown)`;
    }
  }
  return undefined;
}

/** An HTTP field name (RFC 9110's token): what the exporter can send a header as. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `text` percent-decoded, or undefined when it is not percent-encoding (a stray `%`): the part of a `key=value` pair
 * of the OTEL_* list variables (headers, resource attributes).
 */
export function percentDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
