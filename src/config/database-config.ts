import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PostgresStore } from './app-config';
import { EnvironmentVariables } from './env-schema';

export const DEFAULT_POOL_SIZE = 10;
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** libpq's certificate parameters: pg would read their files itself; DATABASE_CA_FILE says it. */
const REFUSED_PARAMETERS = ['sslrootcert', 'sslcert', 'sslkey', 'sslpassword', 'ssl'];

export function isPostgresUrl(url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The rules on DATABASE_URL, DATABASE_CA_FILE and DATABASE_POOL_SIZE together. Messages name
 * the variables and parameters, never the URL: it may hold a password.
 */
export function databaseProblems(vars: EnvironmentVariables): string[] {
  const url = vars.DATABASE_URL;
  if (!isPostgresUrl(url)) {
    return ['DATABASE_CA_FILE', 'DATABASE_POOL_SIZE']
      .filter((name) => vars[name as keyof EnvironmentVariables] !== undefined)
      .map((name) => `${name} applies to a PostgreSQL DATABASE_URL only`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url!);
  } catch {
    return ['DATABASE_URL is not a valid postgres://user:password@host:port/database URL'];
  }
  const problems: string[] = [];
  if (parsed.hostname === '' || parsed.pathname.length <= 1) {
    problems.push('DATABASE_URL must name a host and a database (postgres://user@host/db)');
  }
  const sslMode = parsed.searchParams.get('sslmode');
  if (sslMode !== null && !SSL_MODES.includes(sslMode)) {
    problems.push(`DATABASE_URL's sslmode must be one of ${SSL_MODES.join(', ')}`);
  }
  for (const name of REFUSED_PARAMETERS) {
    if (parsed.searchParams.has(name)) {
      problems.push(`DATABASE_URL's ${name} parameter is not supported: use DATABASE_CA_FILE`);
    }
  }
  if (vars.DATABASE_CA_FILE !== undefined) {
    if (!['require', 'verify-ca', 'verify-full'].includes(sslMode ?? '')) {
      problems.push(
        'DATABASE_CA_FILE needs sslmode=require, verify-ca or verify-full in DATABASE_URL',
      );
    } else if (!isReadable(resolve(vars.DATABASE_CA_FILE))) {
      problems.push('DATABASE_CA_FILE cannot be read');
    }
  }
  return problems;
}

/** The PostgreSQL store the (validated) variables describe, or undefined for SQLite. */
export function postgresStoreOf(vars: EnvironmentVariables): PostgresStore | undefined {
  if (!isPostgresUrl(vars.DATABASE_URL)) {
    return undefined;
  }
  const url = new URL(vars.DATABASE_URL!);
  const sslMode = url.searchParams.get('sslmode') ?? 'prefer';
  // pg would let the URL's sslmode override the options given here: the options alone decide.
  url.searchParams.delete('sslmode');
  const ca =
    vars.DATABASE_CA_FILE !== undefined
      ? readFileSync(resolve(vars.DATABASE_CA_FILE), 'utf8')
      : undefined;
  return {
    url: url.toString(),
    ssl: sslOptions(sslMode, ca),
    poolSize: vars.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE,
  };
}

/**
 * libpq's meaning of sslmode: `require` encrypts without checking the certificate unless a CA
 * is given (then it verifies, as libpq does with a root certificate); `verify-ca` checks the
 * chain, `verify-full` the chain and the host name. `prefer` and `allow` cannot fall back in
 * pg, so they connect without TLS, as `disable` does.
 */
function sslOptions(sslMode: string, ca: string | undefined): PostgresStore['ssl'] {
  switch (sslMode) {
    case 'require':
      return ca === undefined ? { rejectUnauthorized: false } : { rejectUnauthorized: true, ca };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca };
    default:
      return undefined;
  }
}

function isReadable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
