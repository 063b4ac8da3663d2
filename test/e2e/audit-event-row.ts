/** A row of vault_audit_event as the specs read it with hand-written SQL. */
export interface AuditEventRow {
  action: string;
  workspaceId: string | null;
  actorType: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: string | null;
}
