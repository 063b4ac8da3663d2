/** A configuration that must stop the process; its message names what is wrong and never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
