/**
 * The one-statement audited write: a credential change and its audit event in one statement that
 * checks the audit chain's head, makes the change, appends the event and moves the head, all or
 * nothing. SQLite: an INSERT into the view `vault_audited_credential_write`, whose INSTEAD OF
 * triggers do the work; PostgreSQL: a call of the function of that name. One statement instead of
 * a transaction of six, each a round trip to the database (and on SQLite to the driver's thread).
 */
export const AUDITED_CREDENTIAL_WRITE_VIEW = 'vault_audited_credential_write';

/** The change: `op` is insert, replace or remove; `expectedVersion` null removes any version. */
export const AUDITED_WRITE_CHANGE_COLUMNS = [
  'op',
  'id',
  'workspaceId',
  'name',
  'credentialName',
  'encryptedData',
  'createdDate',
  'updatedDate',
  'version',
  'expectedVersion',
] as const;

/** The event as the next link of the chain, and the head's new signature, in this order. */
export const AUDITED_WRITE_EVENT_COLUMNS = [
  'seq',
  'eventId',
  'occurredAt',
  'eventWorkspaceId',
  'action',
  'actorType',
  'actorId',
  'targetType',
  'targetId',
  'targetName',
  'targetCredentialName',
  'outcome',
  'details',
  'requestId',
  'sourceAddress',
  'userAgent',
  'prevMac',
  'mac',
  'headSignature',
] as const;

/** What the triggers RAISE: nothing was written either way. */
export const AUDITED_WRITE_REFUSALS = {
  /** Another process appended since this one read the head: seal the event again. */
  headMoved: 'vault_audit_head_moved',
  /** A replace or remove found no row at the expected version (or no row at all). */
  unchanged: 'vault_audited_write_unchanged',
} as const;

export function refusedWith(error: unknown, refusal: string): boolean {
  return error instanceof Error && error.message.includes(refusal);
}
