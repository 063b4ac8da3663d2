/**
 * The audit trail's actions (dot.case `<target>.<verb>`), one constant per kind of event. Add new
 * ones here so the list stays the one place to read what the trail can contain.
 */
export const AUDIT_ACTIONS = {
  credentialCreated: 'credential.created',
  /** details.changedKeys: the secret fields whose value changed (names only); details.renamed. */
  credentialUpdated: 'credential.updated',
  credentialDeleted: 'credential.deleted',
  /** CredentialsClient.reveal: plaintext handed to code in the process. */
  credentialRevealed: 'credential.revealed',
  /** details.usageKind, details.usageId. */
  credentialUsageRecorded: 'credential.usage.recorded',
  credentialUsageReleased: 'credential.usage.released',
  /** Retention cut the chain: details.throughSeq, details.before, details.events. */
  auditPruned: 'audit.pruned',
  /** A user signed in: actor and target the user, details.sessionId (the `sid` claim). */
  loginSucceeded: 'auth.login.succeeded',
  /**
   * Outcome `denied`. Actor the user when the email is one of ours (else actor id null: the
   * typed email is never recorded); details.reason `unknownUser`, `wrongPassword`, `notAMember`.
   */
  loginFailed: 'auth.login.failed',
  /** Outcome `denied`: a spent refresh token was replayed; its whole session was revoked. */
  refreshTokenReused: 'auth.refresh.reused',
  /** A session ended by its refresh token (target: the session). */
  logout: 'auth.logout',
  /** The actor changed their own password; details.sessionsRevoked. */
  passwordChanged: 'user.password.changed',
  /** details.permissions, details.expiresAt. Target: the key (id and name, never the key). */
  apiKeyCreated: 'apiKey.created',
  apiKeyRevoked: 'apiKey.revoked',
  /** The first request ever made with the key (actor: the key itself); once per key. */
  apiKeyFirstUsed: 'apiKey.firstUsed',
  /** Target: the user; details.role. */
  memberAdded: 'member.added',
  /** Target: the user; details.role (the role they had). */
  memberRemoved: 'member.removed',
  /** Target: the user; details.from, details.to. */
  memberRoleChanged: 'member.roleChanged',
  /** Target: the workspace (id, name); the creator became its owner. */
  workspaceCreated: 'workspace.created',
  /** Target: the workspace; its credentials, members, keys and sessions went with it. */
  workspaceDeleted: 'workspace.deleted',
  /** No workspace; target the master key (its id, never material); details.created. */
  masterRotationStarted: 'key.masterRotation.started',
  /** Outcome `error` when data keys failed; details.rewrapped, details.failures. */
  masterRotationFinished: 'key.masterRotation.finished',
  /** One per workspace: target its data key; details.version, details.resumed. */
  dataRotationStarted: 'key.dataRotation.started',
  /** Outcome `error` when rows failed; details.version, details.reencrypted, details.failures. */
  dataRotationFinished: 'key.dataRotation.finished',
  /** Outcome `denied` when something still uses the key; details.uses (what does). */
  masterKeyRetired: 'key.master.retired',
  /** Sealed bundle written: workspace (or null for all); details.credentials, details.workspaces. */
  credentialsExported: 'credentials.exported',
  /** Sealed bundle read: details.created, details.overwritten, details.skipped, details.workspaces. */
  credentialsImported: 'credentials.imported',
  /** A database copy (holds no key); details.bytes. */
  databaseBackedUp: 'database.backedUp',
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];
