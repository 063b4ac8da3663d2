import { expect } from 'expect';
import { describe, it } from 'node:test';
import { CREDENTIAL_PERMISSIONS, ROLE_PERMISSIONS } from './permissions';

describe('ROLE_PERMISSIONS', () => {
  it('grants each role what the role above it has, plus its own', () => {
    expect(ROLE_PERMISSIONS.viewer).toEqual(['credentials:view']);
    expect(ROLE_PERMISSIONS.editor).toEqual([
      'credentials:view',
      'credentials:create',
      'credentials:update',
    ]);
    expect(ROLE_PERMISSIONS.admin).toEqual([
      ...ROLE_PERMISSIONS.editor,
      'credentials:delete',
      'workspace:members',
      'workspace:api-keys',
      'audit:view',
    ]);
    expect(ROLE_PERMISSIONS.owner).toEqual([...ROLE_PERMISSIONS.admin, 'workspace:delete']);
  });

  it('gives tokens without a permissions claim every credential permission and nothing else', () => {
    expect([...CREDENTIAL_PERMISSIONS].sort()).toEqual(
      ROLE_PERMISSIONS.owner.filter((p) => p.startsWith('credentials:')).sort(),
    );
  });
});
