/**
 * Converting between JSON (what the model sends and reads) and SQLite values, losslessly:
 * integers beyond ±2^53 travel as strings, BLOBs as `{"$base64": "…"}`, NULL as null.
 */

/** A value SQLite can bind. */
export type BindValue = string | number | bigint | Buffer | null;

/** Bound parameters: positional (array) or named (object keyed by placeholder name). */
export type BindParams = { positional: BindValue[] } | { named: Record<string, BindValue> };

/** The marker key for a BLOB, in results and in parameters. */
export const BLOB_KEY = "$base64";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Turn JSON parameters into values to bind. Whole numbers bind as INTEGER, booleans as 1/0,
 * `{"$base64": …}` as a BLOB; names may carry their `:`/`@`/`$` prefix. Throws with the offending path.
 */
export function toBindParams(params: unknown): BindParams {
  if (params === undefined || params === null) return { positional: [] };
  if (Array.isArray(params)) return { positional: params.map((v, i) => toBindValue(v, `params[${i}]`)) };
  if (typeof params === "object") {
    // No prototype: a placeholder named :__proto__ gets its value, not the object a new prototype.
    const named: Record<string, BindValue> = Object.create(null);
    const keys = new Map<string, string>();
    for (const [key, value] of Object.entries(params)) {
      const name = key.replace(/^[:@$]/, "");
      const earlier = keys.get(name);
      // One would overwrite the other without a word: better-sqlite3 binds :name, @name and $name from one value.
      if (earlier !== undefined) {
        throw new TypeError(
          `params.${key} and params.${earlier} both give ${name} a value, and only one can bind: :${name}, @${name} and $${name} all take the value keyed ${name} (with or without its prefix); send it once`,
        );
      }
      keys.set(name, key);
      named[name] = toBindValue(value, `params.${key}`);
    }
    return { named };
  }
  throw new TypeError("params must be an array (for ? placeholders) or an object (for :name placeholders)");
}

/** One JSON value as a bindable SQLite value; `where` names it in the error. */
export function toBindValue(value: unknown, where: string): BindValue {
  if (value === null || typeof value === "string") return value;
  if (typeof value === "number") {
    const problem = numberProblem(value, where);
    if (problem) throw new TypeError(problem);
    return Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const b64 = (value as Record<string, unknown>)[BLOB_KEY];
    if (keys.length === 1 && typeof b64 === "string") {
      if (BASE64.test(b64)) return Buffer.from(b64, "base64");
      const bad = /[^A-Za-z0-9+/=]/.exec(b64)?.[0];
      throw new TypeError(
        `${where}: {"${BLOB_KEY}": …} is not base64${bad ? ` (it holds ${JSON.stringify(bad)})` : " (its = padding is misplaced)"}; send the bytes as standard base64: A–Z, a–z, 0–9, + and /, then up to two =`,
      );
    }
  }
  throw new TypeError(
    `${where}: cannot bind ${JSON.stringify(value)}; use a string, number, boolean, null, or {"${BLOB_KEY}": "<base64>"} for a BLOB (JSON text goes in as a string)`,
  );
}

/**
 * Why a JSON number cannot be bound as sent, or undefined. A whole number past ±2^53 has already lost digits in
 * JSON parsing (9007199254740993 arrives as …992), and a number past a REAL's range arrives as Infinity, which
 * would cross to the executor process as null: both are refused, never bound as something else. Past ±2^63 no
 * SQLite INTEGER can hold it, so it is a REAL (1e300, 6.02e23) as SQLite reads such a literal, and bound as one.
 */
/** 2^63: a whole number of this size or more is past a 64-bit INTEGER (-2^63 fits, but may be a rounded …807). */
const INT64_LIMIT = 2 ** 63;

export function numberProblem(value: number, where: string): string | undefined {
  if (!Number.isFinite(value)) {
    return `${where}: the number is out of range for SQLite (it arrived as ${value}); send a number within ±1.7976931348623157e308, or text`;
  }
  if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) <= INT64_LIMIT) {
    return `${where}: ${value} is a whole number past ±${Number.MAX_SAFE_INTEGER}, which a JSON number cannot carry exactly (its last digits may already have changed); send it as a string of digits, e.g. "12345678901234567": an INTEGER column stores and compares it as that exact integer, and CAST(? AS INTEGER) makes it one anywhere else`;
  }
  return undefined;
}

/** The first number in a call's params that cannot be bound as sent (numberProblem), checked before they leave. */
export function paramsProblem(params: unknown, where = "params"): string | undefined {
  if (typeof params === "number") return numberProblem(params, where);
  if (Array.isArray(params)) {
    for (const [i, value] of params.entries()) {
      const problem = typeof value === "number" ? numberProblem(value, `${where}[${i}]`) : undefined;
      if (problem) return problem;
    }
  } else if (typeof params === "object" && params !== null) {
    for (const [key, value] of Object.entries(params)) {
      const problem = typeof value === "number" ? numberProblem(value, `${where}.${key}`) : undefined;
      if (problem) return problem;
    }
  }
  return undefined;
}

/** The first number in a request's params (each statement's, for a transaction) that cannot be bound as sent. */
export function requestParamsProblem(request: object): string | undefined {
  if (!("statements" in request && Array.isArray(request.statements))) {
    return "params" in request ? paramsProblem(request.params) : undefined;
  }
  for (const [i, statement] of request.statements.entries()) {
    const problem = paramsProblem((statement as { params?: unknown }).params, `statements[${i}].params`);
    if (problem) return problem;
  }
  return undefined;
}

/** JSON form of one SQLite value: exact integers (strings beyond ±2^53), BLOBs as {"$base64": …}. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) {
    return { [BLOB_KEY]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  return value ?? null;
}
