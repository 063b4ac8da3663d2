/**
 * The names the first releases gave the vault's tables, before the `vault_` prefix (migration
 * PrefixTableNames1764700000000). Key custody reads some tables *before* migrations run, so that
 * a refused start leaves the database as it was: on a database from those releases it must find
 * the rows under their old names.
 */
export const LEGACY_TABLE_NAMES: Readonly<Record<string, string>> = {
  vault_credential: 'credential',
  vault_credential_count: 'credential_count',
  vault_workspace_data_key: 'workspace_data_key',
  vault_workspace: 'workspace',
  vault_workspace_member: 'workspace_member',
  vault_workspace_tombstone: 'workspace_tombstone',
  vault_refresh_token: 'refresh_token',
  vault_api_key: 'api_key',
};
