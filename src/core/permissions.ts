/** Everything a token or API key can be allowed to do. */
export const PERMISSIONS = [
  'credentials:view',
  'credentials:create',
  'credentials:update',
  'credentials:delete',
  'workspace:members',
  'workspace:api-keys',
  'workspace:delete',
  'audit:view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a token without a `permissions` claim (from `npm run token`) may do in its workspace. */
export const CREDENTIAL_PERMISSIONS: readonly Permission[] = [
  'credentials:view',
  'credentials:create',
  'credentials:update',
  'credentials:delete',
];

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const VIEWER: readonly Permission[] = ['credentials:view'];
const EDITOR: readonly Permission[] = [...VIEWER, 'credentials:create', 'credentials:update'];
const ADMIN: readonly Permission[] = [
  ...EDITOR,
  'credentials:delete',
  'workspace:members',
  'workspace:api-keys',
  'audit:view',
];
const OWNER: readonly Permission[] = [...ADMIN, 'workspace:delete'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: OWNER,
  admin: ADMIN,
  editor: EDITOR,
  viewer: VIEWER,
};

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
