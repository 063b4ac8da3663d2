/**
 * What a token may name as its workspace: 1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a
 * letter or digit. UUIDs (ours) and slugs such as `my-team` or `ws-1` (from `npm run token` or
 * an identity provider) fit; a 200-character or free-text name does not, so a token cannot
 * make data keys for arbitrary names, and ids stay safe in logs, paths and key references.
 */
const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const WORKSPACE_ID_RULE =
  '1 to 64 characters of A-Z, a-z, 0-9, ".", "_" and "-", starting with a letter or digit';

export function isWorkspaceId(value: unknown): value is string {
  return typeof value === 'string' && WORKSPACE_ID.test(value);
}
