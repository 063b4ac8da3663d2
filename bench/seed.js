'use strict';
// Seeds credentials straight into the SQLite file (the server must be stopped), in batches,
// encrypted by the service's own AesGcmEncryptionProvider from dist/ under the master key: the
// first-release `v1` envelope, which the service still decrypts (rows it writes itself are `v2`,
// under per-workspace data keys) and which the reference server speaks. The database's own
// triggers keep credential_count (X-Total-Count) exact for these rows.
const crypto = require('node:crypto');
const path = require('node:path');
const sqlite3 = require('sqlite3');

// From the package root, which keeps its exports wherever the files move.
const { AesGcmEncryptionProvider } = require(path.join(__dirname, '..', 'dist', 'index.js'));

const ROWS_PER_STATEMENT = 100;
const COLUMNS = [
  'id',
  'name',
  'credentialName',
  'encryptedData',
  'workspaceId',
  'createdDate',
  'updatedDate',
  'version',
];

/** TypeORM's sqlite datetime text: UTC, `YYYY-MM-DD HH:MM:SS.mmm`. */
function storedDate(date) {
  return date.toISOString().replace('T', ' ').slice(0, 23);
}

function run(db, sql, params = []) {
  return new Promise((resolve, reject) =>
    db.run(sql, params, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * @param sqlitePath the service's database file (schema already migrated)
 * @param encryptionKey the 32-byte key the server runs with
 * @param workspaces { [workspaceId]: count }
 * @returns { [workspaceId]: string[] } the ids seeded, newest first
 */
async function seed(sqlitePath, encryptionKey, workspaces) {
  const encryption = new AesGcmEncryptionProvider(encryptionKey);
  const db = new sqlite3.Database(sqlitePath);
  db.configure('busyTimeout', 5000);
  const ids = {};
  const base = Date.now() - 10 * 24 * 3600 * 1000;
  let tick = 0;
  try {
    await run(db, 'PRAGMA journal_mode = WAL');
    await run(db, 'BEGIN');
    for (const [workspaceId, count] of Object.entries(workspaces)) {
      ids[workspaceId] = [];
      let batch = [];
      for (let i = 0; i < count; i++) {
        const id = crypto.randomUUID();
        const date = storedDate(new Date(base + tick++));
        const plain = JSON.stringify({
          openAIApiKey: `sk-${crypto.randomBytes(24).toString('hex')}`,
        });
        const encryptedData = await encryption.encrypt(plain, { workspaceId, credentialId: id });
        batch.push(id, `Key ${i}`, 'openAIApi', encryptedData, workspaceId, date, date, 1);
        ids[workspaceId].push(id);
        if (batch.length === ROWS_PER_STATEMENT * COLUMNS.length || i === count - 1) {
          const rows = batch.length / COLUMNS.length;
          const values = Array.from(
            { length: rows },
            () => `(${COLUMNS.map(() => '?').join(', ')})`,
          ).join(', ');
          await run(
            db,
            `INSERT INTO vault_credential (${COLUMNS.join(', ')}) VALUES ${values}`,
            batch,
          );
          batch = [];
        }
      }
      ids[workspaceId].reverse();
    }
    await run(db, 'COMMIT');
    await run(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
  return ids;
}

/**
 * Seeds one API key per workspace with the service's own ApiKeysService from dist/ (so the hash is
 * the one the server checks), capturing the row it would insert and writing it with SQL.
 * @returns { [workspaceId]: string } the keys (`cvk_...`)
 */
async function seedApiKeys(sqlitePath, jwtSecret, workspaceIds, permissions) {
  const { Logger } = require('@nestjs/common');
  const { ApiKeysService } = require(
    path.join(__dirname, '..', 'dist', 'auth', 'api-keys.service.js'),
  );
  Logger.overrideLogger(false);
  const rows = [];
  // The service writes the row through the audit trail's transaction: capture it there.
  const capture = { insert: async (_entity, row) => rows.push(row) };
  const audit = { transaction: (work) => work(capture) };
  const service = new ApiKeysService(
    { jwtSecret: Buffer.from(jwtSecret, 'utf8') },
    undefined,
    undefined,
    undefined,
    audit,
  );
  const keys = {};
  for (const workspaceId of workspaceIds) {
    keys[workspaceId] = (
      await service.create(workspaceId, 'bench', { name: 'bench', permissions })
    ).key;
  }
  const db = new sqlite3.Database(sqlitePath);
  db.configure('busyTimeout', 5000);
  try {
    for (const row of rows) {
      await run(
        db,
        'INSERT INTO vault_api_key (id, workspaceId, name, prefix, keyHash, permissions, createdBy, createdAt) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          row.id,
          row.workspaceId,
          row.name,
          row.prefix,
          row.keyHash,
          JSON.stringify(row.permissions),
          row.createdBy,
          storedDate(row.createdAt),
        ],
      );
    }
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
  return keys;
}

module.exports = { seed, seedApiKeys };
