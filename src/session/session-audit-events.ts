import { AUDIT_ACTIONS } from '../core/audit-actions';
import { AuditEventInput } from '../core/audit-recorder';

/** Why a sign-in was refused, as the audit trail records it. */
export type LoginFailure = 'unknownUser' | 'wrongPassword' | 'notAMember';

/** The session a refresh token belongs to: its family id, the `sid` claim of its access tokens. */
export interface SessionRef {
  readonly familyId: string;
  readonly userId: string;
  readonly workspaceId: string;
}

/** `auth.login.succeeded`: the user, into the workspace chosen, starting this session. */
export function loginSucceeded(session: SessionRef): AuditEventInput {
  return {
    action: AUDIT_ACTIONS.loginSucceeded,
    workspaceId: session.workspaceId,
    actor: { type: 'user', id: session.userId },
    target: { type: 'user', id: session.userId },
    outcome: 'success',
    details: { sessionId: session.familyId },
  };
}

/**
 * `auth.login.failed` (denied). A known user is the actor and target; an unknown email is no
 * one's (the typed text is never recorded: it may be a password typed in the wrong field).
 */
export function loginFailed(
  userId: string | null,
  workspaceId: string | null,
  reason: LoginFailure,
): Omit<AuditEventInput, 'outcome'> {
  return {
    action: AUDIT_ACTIONS.loginFailed,
    workspaceId,
    actor: { type: 'user', id: userId },
    ...(userId !== null ? { target: { type: 'user', id: userId } } : {}),
    details: { reason },
  };
}

/** `auth.refresh.reused` (denied): someone replayed a spent refresh token of this session. */
export function refreshTokenReused(session: SessionRef): Omit<AuditEventInput, 'outcome'> {
  return {
    action: AUDIT_ACTIONS.refreshTokenReused,
    workspaceId: session.workspaceId,
    actor: { type: 'user', id: session.userId },
    target: { type: 'session', id: session.familyId },
    details: { sessionRevoked: true },
  };
}

export function loggedOut(session: SessionRef): AuditEventInput {
  return {
    action: AUDIT_ACTIONS.logout,
    workspaceId: session.workspaceId,
    actor: { type: 'user', id: session.userId },
    target: { type: 'session', id: session.familyId },
    outcome: 'success',
  };
}

export function passwordChanged(
  userId: string,
  workspaceId: string,
  sessionsRevoked: number,
): AuditEventInput {
  return {
    action: AUDIT_ACTIONS.passwordChanged,
    workspaceId,
    actor: { type: 'user', id: userId },
    target: { type: 'user', id: userId },
    outcome: 'success',
    details: { sessionsRevoked },
  };
}
