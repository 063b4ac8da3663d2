import { ConfigError } from './errors';

/**
 * Loads a package the host installs only when it uses the feature (`pg` for PostgreSQL,
 * `ioredis` for `redisUrl`). Loaded on first use, not on import, so a SQLite host without them
 * boots; a missing one is a boot error that says what to install.
 */
export function optionalPeer<T>(name: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new ConfigError(`${feature} needs the ${name} package: npm install ${name}`);
    }
    throw error;
  }
}
