import { DURATION_PATTERN, parseDuration } from './duration';
import { EnvironmentVariables } from './env-schema';
import { isAcceptableJwksUrl, isPublicKeyPem } from './external-idp-config';
import { parseEncryptionKeys } from './keyring';

/** Exactly one source of master keys: two would leave it ambiguous which one is meant. */
export function keyringProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (vars.ENCRYPTION_KEYS !== undefined && vars.ENCRYPTION_KEY !== undefined) {
    problems.push('ENCRYPTION_KEYS and ENCRYPTION_KEY are both set: set exactly one of them');
  }
  if (vars.ENCRYPTION_KEYS !== undefined) {
    problems.push(...parseEncryptionKeys(vars.ENCRYPTION_KEYS).problems);
  }
  if (vars.KEY_PROVIDER === 'pkcs11') {
    if (vars.ENCRYPTION_KEYS !== undefined || vars.ENCRYPTION_KEY !== undefined) {
      problems.push(
        'KEY_PROVIDER=pkcs11 keeps the master keys in the HSM: unset ENCRYPTION_KEY(S)',
      );
    }
    for (const name of ['PKCS11_MODULE', 'PKCS11_PIN', 'PKCS11_KEY_LABEL'] as const) {
      if (vars[name] === undefined) {
        problems.push(`${name} is required when KEY_PROVIDER=pkcs11`);
      }
    }
    if ((vars.PKCS11_SLOT === undefined) === (vars.PKCS11_TOKEN_LABEL === undefined)) {
      problems.push(
        'Set exactly one of PKCS11_SLOT and PKCS11_TOKEN_LABEL when KEY_PROVIDER=pkcs11',
      );
    }
  }
  return problems;
}

const EXTERNAL_ONLY_VARIABLES = [
  'JWT_ALGORITHMS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_WORKSPACE_CLAIM',
  'JWT_PERMISSIONS_CLAIM',
  'JWT_DEFAULT_PERMISSIONS',
  'JWT_JWKS_COOLDOWN_SECONDS',
] as const;

/** The rules that span several variables. Messages name variables, never their values. */
export function identityProblems(vars: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if ((vars.ADMIN_EMAIL === undefined) !== (vars.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  for (const name of ['JWT_ACCESS_TTL', 'JWT_REFRESH_TTL', 'LOGIN_THROTTLE_WINDOW'] as const) {
    const value = vars[name];
    if (value !== undefined && DURATION_PATTERN.test(value) && parseDuration(value) < 1) {
      problems.push(`${name} must be at least 1 second`);
    }
  }
  if (vars.JWT_JWKS_URL !== undefined && vars.JWT_PUBLIC_KEY !== undefined) {
    problems.push('Set JWT_JWKS_URL or JWT_PUBLIC_KEY, not both');
  }
  if (vars.JWT_JWKS_URL !== undefined && !isAcceptableJwksUrl(vars.JWT_JWKS_URL)) {
    problems.push('JWT_JWKS_URL must be an https URL (http is accepted for localhost only)');
  }
  if (vars.JWT_PUBLIC_KEY !== undefined && !isPublicKeyPem(vars.JWT_PUBLIC_KEY)) {
    problems.push('JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  if (vars.JWT_JWKS_URL === undefined && vars.JWT_PUBLIC_KEY === undefined) {
    for (const name of EXTERNAL_ONLY_VARIABLES) {
      if (vars[name] !== undefined) {
        problems.push(`${name} needs JWT_JWKS_URL or JWT_PUBLIC_KEY`);
      }
    }
  }
  return problems;
}
