/** A configuration that must stop the process; its message names what is wrong and never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The key in use cannot decrypt what the database holds: starting would serve broken data. */
export class EncryptionKeyMismatchError extends Error {
  override readonly name = 'EncryptionKeyMismatchError';
}
