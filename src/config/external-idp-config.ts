import { createPublicKey } from 'node:crypto';
import { CREDENTIAL_PERMISSIONS, Permission } from '../core/permissions';
import { ExternalAlgorithm, ExternalIdpOptions } from '../core/vault-options';
import { EnvironmentVariables } from './env-schema';

export function isAcceptableJwksUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && local);
}

export function isPublicKeyPem(value: string): boolean {
  try {
    return createPublicKey(value.replace(/\\n/g, '\n')).type === 'public';
  } catch {
    return false;
  }
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The external identity provider the variables describe, if any. */
export function externalIdpOf(vars: EnvironmentVariables): ExternalIdpOptions | undefined {
  if (vars.JWT_JWKS_URL === undefined && vars.JWT_PUBLIC_KEY === undefined) {
    return undefined;
  }
  return {
    jwksUrl: vars.JWT_JWKS_URL,
    // Environment files often hold a PEM on one line with literal \n separators.
    publicKey: vars.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    algorithms: [...new Set(listOf(vars.JWT_ALGORITHMS ?? 'RS256'))] as ExternalAlgorithm[],
    issuer: vars.JWT_ISSUER,
    audience: vars.JWT_AUDIENCE,
    workspaceClaim: vars.JWT_WORKSPACE_CLAIM ?? 'workspaceId',
    permissionsClaim: vars.JWT_PERMISSIONS_CLAIM ?? 'permissions',
    defaultPermissions: vars.JWT_DEFAULT_PERMISSIONS
      ? (listOf(vars.JWT_DEFAULT_PERMISSIONS) as Permission[])
      : [CREDENTIAL_PERMISSIONS[0]],
    jwksCooldownSeconds: vars.JWT_JWKS_COOLDOWN_SECONDS ?? 30,
  };
}
