/**
 * What a pure policy decides, in every package: allowed, with what it worked out on the way (a `Verdict<{ path:
 * string }>` carries the path to use), or refused with a reason worded for whoever must act on it.
 */
export type Verdict<T extends object = Record<never, never>> = ({ ok: true } & T) | { ok: false; reason: string };
