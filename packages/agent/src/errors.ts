/** A configuration or usage mistake: reported in one line, exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
