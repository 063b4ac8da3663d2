import { MigrationInterface, QueryRunner } from 'typeorm';
import { CreateAuditedCredentialWrite1764900000000 } from './1764900000000-create-audited-credential-write';

// Written out, not imported from core/audited-write.ts: a migration stays as it shipped.
const FUNCTION = 'vault_audited_credential_write';
/** The chain's one state row (CHAIN_ROW_ID). */
const CHAIN_ROW = 1;

/**
 * PostgreSQL: the audited credential write of migration 1764900000000 with its two locks in the
 * other order, the chain's row first and the credential's (and its workspace's counter) after.
 *
 * Several calls go in one statement: changing its rows last let a statement hold the chain while
 * its second write waited for a credential that another writer (a statement or a transaction of
 * another replica) held while waiting for the chain, a deadlock PostgreSQL broke by failing one
 * of them. Now every audited writer takes the chain first (the recorder's transactions too), and
 * what holds it never waits for another audited writer. SQLite: nothing to do (one writer).
 */
const LOCK_FIRST = `
CREATE OR REPLACE FUNCTION ${FUNCTION}(
  p_op text, p_id varchar, p_workspace varchar, p_name varchar, p_credential_name varchar,
  p_encrypted text, p_created timestamp, p_updated timestamp, p_version integer,
  p_expected integer, p_seq bigint, p_event_id varchar, p_occurred varchar,
  p_event_workspace varchar, p_action varchar, p_actor_type varchar, p_actor_id varchar,
  p_target_type varchar, p_target_id varchar, p_target_name varchar,
  p_target_credential_name varchar, p_outcome varchar, p_details text, p_request_id varchar,
  p_source varchar, p_user_agent varchar, p_prev varchar, p_mac varchar, p_head_signature varchar
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  changed integer;
BEGIN
  -- Waits for the head, then finds it moved or holds it: no other lock is taken before.
  PERFORM 1 FROM vault_audit_chain
    WHERE id = ${CHAIN_ROW} AND "headSeq" = p_seq - 1 AND "headMac" = p_prev FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'vault_audit_head_moved';
  END IF;
  IF p_op = 'insert' THEN
    INSERT INTO vault_credential (id, "workspaceId", name, "credentialName", "encryptedData",
      "createdDate", "updatedDate", version)
      VALUES (p_id, p_workspace, p_name, p_credential_name, p_encrypted, p_created, p_updated,
        p_version);
  ELSIF p_op = 'replace' THEN
    UPDATE vault_credential SET name = p_name, "encryptedData" = p_encrypted,
      "updatedDate" = p_updated, version = p_version
      WHERE id = p_id AND "workspaceId" = p_workspace AND version = p_expected;
  ELSE
    DELETE FROM vault_credential WHERE id = p_id AND "workspaceId" = p_workspace
      AND (p_expected IS NULL OR version = p_expected);
  END IF;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed = 0 THEN
    RAISE EXCEPTION 'vault_audited_write_unchanged';
  END IF;
  INSERT INTO vault_audit_event (seq, id, "occurredAt", "workspaceId", action, "actorType",
    "actorId", "targetType", "targetId", "targetName", "targetCredentialName", outcome, details,
    "requestId", "sourceAddress", "userAgent", "prevMac", mac)
    VALUES (p_seq, p_event_id, p_occurred, p_event_workspace, p_action, p_actor_type, p_actor_id,
      p_target_type, p_target_id, p_target_name, p_target_credential_name, p_outcome, p_details,
      p_request_id, p_source, p_user_agent, p_prev, p_mac);
  UPDATE vault_audit_chain SET "headSeq" = p_seq, "headMac" = p_mac,
    "headSignature" = p_head_signature WHERE id = ${CHAIN_ROW};
  RETURN 1;
END
$$`;

export class LockAuditHeadFirst1765000000000 implements MigrationInterface {
  name = 'LockAuditHeadFirst1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(LOCK_FIRST);
    }
  }

  /** Back to the function as migration 1764900000000 made it (it replaces this one). */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await new CreateAuditedCredentialWrite1764900000000().up(queryRunner);
    }
  }
}
