/**
 * A failure whose message is meant for the model as is. `refusal` names the limit or policy that refused the call
 * (`sql_policy`, `size`, `timeout`), the cause core counts refusals by; a plain failure has none.
 */
export class ToolError extends Error {
  override name = "ToolError";
  readonly refusal?: string;

  constructor(message: string, options?: ErrorOptions & { refusal?: string | undefined }) {
    super(message, options);
    if (options?.refusal) this.refusal = options.refusal;
  }
}

/** A statement the policy refused: nothing of it ran. */
export class RefusedError extends ToolError {
  override name = "RefusedError";

  constructor(message: string) {
    super(message, { refusal: "sql_policy" });
  }
}
