// How many tokens of reply the agent asks for: --max-tokens, and what --thinking adds to its budget. One place, as the
// settings (resolve-config.ts) and the error that names them (errors.ts ReplyFillsWindow) must agree.

/** --max-tokens when not set. */
export const MAX_TOKENS_DEFAULT = 16_000;

/** The reply tokens --thinking adds to its budget, for the answer after the thinking. */
export const THINKING_REPLY_ROOM = 4096;
