import { readFileSync } from 'node:fs';

/**
 * Flowise's passphrase: `FLOWISE_SECRETKEY_OVERWRITE` (here any variable named by `--key-env`) or
 * the contents of its `encryption.key` file. The file is not trimmed, because Flowise does not
 * trim it either: a trailing newline is part of the key.
 */
export function readFlowisePassphrase(
  options: { keyFile?: string; keyEnv?: string },
  env: NodeJS.ProcessEnv,
): string {
  if ((options.keyFile === undefined) === (options.keyEnv === undefined)) {
    throw new Error('Give exactly one of --key-file <path> and --key-env <VAR>');
  }
  if (options.keyFile !== undefined) {
    const passphrase = readFileSync(options.keyFile, 'utf8');
    if (passphrase === '') {
      throw new Error(`The key file ${options.keyFile} is empty`);
    }
    return passphrase;
  }
  const passphrase = env[options.keyEnv!];
  if (passphrase === undefined || passphrase === '') {
    throw new Error(`The environment variable ${options.keyEnv} is not set`);
  }
  return passphrase;
}
