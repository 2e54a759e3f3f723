import { withoutQuerySecrets, withoutUserinfo } from "@mcp-toolkit/core";

const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "token",
  "apikey",
  "authorization",
  "auth",
  "cookie",
  "credential",
  "credentials",
  "signature",
  "sig",
]);

/** Whether a key names a secret: apiKey, api_key, X-Auth-Token, client_secret, Authorization… */
export function isSecretKey(key: string): boolean {
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  const joined = parts.join("");
  return parts.some((p) => SECRET_WORDS.has(p)) || /apikey|privatekey|accesskey/.test(joined);
}
const SECRET_VALUE = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];
const REDACTED = "[redacted]";

/** `name=value` in a query or form string, and `"name": "value"` in JSON text: redacted when the name is secret. */
const NAMED_VALUE = [/([?&;\s]|^)([^=&?#\s"]+)=([^&#\s"]+)/g, /("([^"\\]{1,64})"\s*:\s*)"((?:[^"\\]|\\.)*)"/g];

/**
 * Replace secret-looking strings (bearer tokens, API keys, a URL's user:password part, JWTs, `?token=…`) inside text.
 * URLs are masked first by core's rules, so this log hides at least what the servers' own audit trail does.
 */
export function redactText(text: string): string {
  let out = withoutUserinfo(withoutQuerySecrets(text));
  for (const pattern of NAMED_VALUE) {
    out = out.replace(pattern, (whole, lead: string, name: string, value: string) => {
      if (!value || !isSecretKey(safeDecode(name))) return whole;
      return pattern === NAMED_VALUE[0] ? `${lead}${name}=${REDACTED}` : `${lead}"${REDACTED}"`;
    });
  }
  for (const pattern of SECRET_VALUE) {
    out = out.replace(pattern, (_match, scheme?: string) =>
      /^(Bearer|Basic)$/i.test(scheme ?? "") ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/** A deep copy of tool arguments with secret-named keys and secret-looking values redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSecretKey(k) && v !== null && v !== "" ? REDACTED : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** A URL as an error may quote it: a password in it is not repeated. */
export function withoutPassword(url: string): string {
  // Up to the last @: a URL that does not parse may hold a / or an @ in its password.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):.*@/i, "$1:[redacted]@");
}
