'use strict';
// The reference's SQLite store: the service's file and driver (sqlite3), WAL, synchronous as the
// runner sets it (NORMAL unless --reference-synchronous), the same tables, index and counter
// triggers (a file the service migrated has them already; this never moves a row).
const sqlite3 = require('sqlite3');

const db = new sqlite3.Database(process.env.SQLITE_PATH);
db.configure('busyTimeout', 5000);

/** `method` is sqlite3's: get (one row), all (rows), run (`{ changes }`); `?` placeholders. */
const query = (method, sql, params) =>
  new Promise((resolve, reject) =>
    db[method](sql, params, function (error, result) {
      if (error) reject(error);
      else resolve(method === 'run' ? this : result);
    }),
  );

function open() {
  return new Promise((resolve, reject) =>
    db.serialize(() => {
      db.run('PRAGMA journal_mode = WAL');
      db.run(`PRAGMA synchronous = ${process.env.SQLITE_SYNCHRONOUS ?? 'NORMAL'}`);
      db.run(
        'CREATE TABLE IF NOT EXISTS "vault_credential" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, ' +
          '"credentialName" varchar(100) NOT NULL, "encryptedData" text NOT NULL, "workspaceId" varchar(255) NOT NULL, ' +
          '"createdDate" datetime NOT NULL, "updatedDate" datetime NOT NULL, "version" integer NOT NULL DEFAULT (1))',
      );
      db.run(
        'CREATE TABLE IF NOT EXISTS "vault_credential_count" ("workspaceId" varchar(255) PRIMARY KEY NOT NULL, "total" integer NOT NULL)',
      );
      db.run(
        'CREATE TRIGGER IF NOT EXISTS credential_count_insert AFTER INSERT ON vault_credential BEGIN ' +
          'INSERT INTO vault_credential_count (workspaceId, total) VALUES (NEW.workspaceId, 1) ' +
          'ON CONFLICT(workspaceId) DO UPDATE SET total = total + 1; END',
      );
      db.run(
        'CREATE TRIGGER IF NOT EXISTS credential_count_delete AFTER DELETE ON vault_credential BEGIN ' +
          'UPDATE vault_credential_count SET total = total - 1 WHERE workspaceId = OLD.workspaceId; ' +
          'DELETE FROM vault_credential_count WHERE workspaceId = OLD.workspaceId AND total = 0; END',
      );
      db.run(
        'CREATE INDEX IF NOT EXISTS "IDX_credential_workspace_created" ON "vault_credential" ("workspaceId", "createdDate", "id")',
        (error) => (error ? reject(error) : resolve()),
      );
    }),
  );
}

module.exports = { query, open };
