import { MigrationInterface, QueryRunner } from 'typeorm';

const SQLITE_DRIVERS = ['sqlite', 'better-sqlite3'];
// Written out, not imported from core/audited-write.ts: a migration stays as it shipped.
const VIEW = 'vault_audited_credential_write';
const CHANGE = [
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
];
const EVENT = [
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
];
/** The chain's one state row (CHAIN_ROW_ID). */
const CHAIN_ROW = 1;

/** Nothing happens unless the event links to the head as it is now. */
const headCheck =
  "SELECT RAISE(ABORT, 'vault_audit_head_moved') WHERE NOT EXISTS (SELECT 1 FROM vault_audit_chain" +
  ` WHERE id = ${CHAIN_ROW} AND headSeq = NEW.seq - 1 AND headMac = NEW.prevMac);`;
const changedOrRefuse = "SELECT RAISE(ABORT, 'vault_audited_write_unchanged') WHERE changes() = 0;";
const appendEvent =
  'INSERT INTO vault_audit_event (seq, id, occurredAt, workspaceId, action, actorType, actorId,' +
  ' targetType, targetId, targetName, targetCredentialName, outcome, details, requestId,' +
  ' sourceAddress, userAgent, prevMac, mac) VALUES (NEW.seq, NEW.eventId, NEW.occurredAt,' +
  ' NEW.eventWorkspaceId, NEW.action, NEW.actorType, NEW.actorId, NEW.targetType, NEW.targetId,' +
  ' NEW.targetName, NEW.targetCredentialName, NEW.outcome, NEW.details, NEW.requestId,' +
  ' NEW.sourceAddress, NEW.userAgent, NEW.prevMac, NEW.mac);' +
  ' UPDATE vault_audit_chain SET headSeq = NEW.seq, headMac = NEW.mac,' +
  ` headSignature = NEW.headSignature WHERE id = ${CHAIN_ROW};`;
const sameRow = 'id = NEW.id AND workspaceId = NEW.workspaceId';

const TRIGGERS = {
  vault_audited_credential_insert:
    `WHEN NEW.op = 'insert' BEGIN ${headCheck}` +
    ' INSERT INTO vault_credential (id, workspaceId, name, credentialName, encryptedData,' +
    ' createdDate, updatedDate, version) VALUES (NEW.id, NEW.workspaceId, NEW.name,' +
    ` NEW.credentialName, NEW.encryptedData, NEW.createdDate, NEW.updatedDate, NEW.version);` +
    ` ${appendEvent} END`,
  vault_audited_credential_replace:
    `WHEN NEW.op = 'replace' BEGIN ${headCheck}` +
    ' UPDATE vault_credential SET name = NEW.name, encryptedData = NEW.encryptedData,' +
    ` updatedDate = NEW.updatedDate, version = NEW.version WHERE ${sameRow}` +
    ` AND version = NEW.expectedVersion; ${changedOrRefuse} ${appendEvent} END`,
  vault_audited_credential_remove:
    `WHEN NEW.op = 'remove' BEGIN ${headCheck}` +
    ` DELETE FROM vault_credential WHERE ${sameRow}` +
    ` AND (NEW.expectedVersion IS NULL OR version = NEW.expectedVersion);` +
    ` ${changedOrRefuse} ${appendEvent} END`,
};

/**
 * PostgreSQL: the same, as a function called in one statement. It makes the change, locks the
 * chain's row (which orders the replicas' appends), refuses a link to a head that moved, appends
 * the event and moves the head; an exception undoes all of it.
 */
const POSTGRES_FUNCTION = `
CREATE OR REPLACE FUNCTION ${VIEW}(
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
  -- The chain's row last, as every audited transaction locks it (after its own rows): a
  -- replica's transaction and this call never wait for each other in opposite order.
  PERFORM 1 FROM vault_audit_chain
    WHERE id = ${CHAIN_ROW} AND "headSeq" = p_seq - 1 AND "headMac" = p_prev FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'vault_audit_head_moved';
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

/**
 * A credential write and its audit event in one statement (see `core/audited-write.ts`).
 *
 * SQLite: an INSERT into the view makes no row of its own; one of the INSTEAD OF triggers,
 * chosen by `op`, does the work, and a RAISE rolls the whole statement back. PostgreSQL: the
 * function above, named as the view.
 */
export class CreateAuditedCredentialWrite1764900000000 implements MigrationInterface {
  name = 'CreateAuditedCredentialWrite1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!SQLITE_DRIVERS.includes(queryRunner.connection.options.type)) {
      await queryRunner.query(POSTGRES_FUNCTION);
      return;
    }
    const columns = [...CHANGE, ...EVENT].map((column) => `NULL AS ${column}`).join(', ');
    await queryRunner.query(`CREATE VIEW ${VIEW} AS SELECT ${columns}`);
    for (const [name, body] of Object.entries(TRIGGERS)) {
      await queryRunner.query(`CREATE TRIGGER ${name} INSTEAD OF INSERT ON ${VIEW} ${body}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!SQLITE_DRIVERS.includes(queryRunner.connection.options.type)) {
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${VIEW}`);
      return;
    }
    for (const name of Object.keys(TRIGGERS)) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${name}`);
    }
    await queryRunner.query(`DROP VIEW IF EXISTS ${VIEW}`);
  }
}
