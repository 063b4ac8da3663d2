'use strict';
// The reference's PostgreSQL store: the service's driver (`pg`), a pool of DATABASE_POOL_SIZE
// (default 10, as the service), its own tables in the database the runner gives it. The server's
// SQL is written for SQLite: `?` placeholders become `$n`, and the camelCase columns are quoted.
const { Pool, types } = require('pg');

// Timestamps without time zone hold UTC, as the service's: read them back as UTC.
types.setTypeParser(1114, (text) => new Date(`${text.replace(' ', 'T')}Z`));

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
const CAMEL_COLUMNS = /\b(credentialName|encryptedData|workspaceId|createdDate|updatedDate)\b/g;

function toPostgres(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`).replace(CAMEL_COLUMNS, '"$1"');
}

// Dates are `timestamp` columns as in the service's schema (pg parses them into Dates); the
// server's code takes them as SQLite gives them, text in UTC, so they go back to that form.
const toStored = (date) => date.toISOString().replace('T', ' ').slice(0, 23);
function fromPostgres(row) {
  if (row === undefined) return row;
  if (row.createdDate instanceof Date) row.createdDate = toStored(row.createdDate);
  if (row.updatedDate instanceof Date) row.updatedDate = toStored(row.updatedDate);
  return row;
}

/** As sqlite3's methods: get (one row), all (rows), run (`{ changes }`). */
async function query(method, sql, params = []) {
  const result = await pool.query(toPostgres(sql), params);
  if (method === 'run') return { changes: result.rowCount };
  return method === 'get' ? fromPostgres(result.rows[0]) : result.rows.map(fromPostgres);
}

// The service's table names; the counter is a table kept by a trigger, as the service's.
async function open() {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS vault_credential (id varchar(36) PRIMARY KEY, name varchar(255) NOT NULL, ' +
      '"credentialName" varchar(100) NOT NULL, "encryptedData" text NOT NULL, "workspaceId" varchar(255) NOT NULL, ' +
      '"createdDate" timestamp(3) NOT NULL, "updatedDate" timestamp(3) NOT NULL, version integer NOT NULL DEFAULT 1)',
  );
  await pool.query(
    'CREATE TABLE IF NOT EXISTS vault_credential_count ("workspaceId" varchar(255) PRIMARY KEY, total integer NOT NULL)',
  );
  await pool.query(`
    CREATE OR REPLACE FUNCTION credential_count_change() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO vault_credential_count ("workspaceId", total) VALUES (NEW."workspaceId", 1)
          ON CONFLICT ("workspaceId") DO UPDATE SET total = vault_credential_count.total + 1;
      ELSE
        UPDATE vault_credential_count SET total = total - 1 WHERE "workspaceId" = OLD."workspaceId";
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await pool.query(
    'CREATE OR REPLACE TRIGGER credential_count_change AFTER INSERT OR DELETE ON vault_credential ' +
      'FOR EACH ROW EXECUTE FUNCTION credential_count_change()',
  );
  await pool.query(
    'CREATE INDEX IF NOT EXISTS "IDX_credential_workspace_created" ON vault_credential ("workspaceId", "createdDate", id)',
  );
}

module.exports = { query, open };
