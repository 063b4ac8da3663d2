'use strict';
// The benchmark's yardstick: the credentials API on plain node:http, no framework. Same SQLite
// store and driver (sqlite3 or pg, see sqlite-store.js and pg-store.js), AES-256-GCM and HS256 with
// node:crypto, the same JSON shapes. It is the practical limit of this machine, not a product:
// validation is only what the benchmark's requests need.
// Env: PORT, HOST, SQLITE_PATH or DATABASE_URL, JWT_SECRET, ENCRYPTION_KEY (base64 of 32 bytes).
const http = require('node:http');
const crypto = require('node:crypto');

const env = process.env;
const jwtKey = crypto.createSecretKey(Buffer.from(env.JWT_SECRET, 'utf8'));
const aesKeyBytes = Buffer.from(env.ENCRYPTION_KEY, 'base64');
const aesKey = crypto.createSecretKey(aesKeyBytes);
const keyId = crypto
  .createHmac('sha256', aesKeyBytes)
  .update('credential-vault key id')
  .digest('hex')
  .slice(0, 16);
const COLUMNS = 'id, name, credentialName, encryptedData, workspaceId, createdDate, updatedDate';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

// The store: SQLite (SQLITE_PATH) or, with DATABASE_URL, PostgreSQL through `pg`.
const { query, open } = require(env.DATABASE_URL ? './pg-store' : './sqlite-store');

// --- crypto: the service's envelope v1.<keyId>.<iv>.<ciphertext>.<tag>, row bound in the AAD ---
const aad = (header, workspaceId, id) =>
  Buffer.from(JSON.stringify([header, workspaceId, id]), 'utf8');
function encrypt(plaintext, workspaceId, id) {
  const header = `v1.${keyId}`;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', aesKey, iv, { authTagLength: 16 });
  cipher.setAAD(aad(header, workspaceId, id));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [header, ...[iv, data, cipher.getAuthTag()].map((b) => b.toString('base64url'))].join('.');
}
function decrypt(envelope, workspaceId, id) {
  const [format, kid, iv, data, tag] = envelope.split('.');
  const decipher = crypto.createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64url'), {
    authTagLength: 16,
  });
  decipher.setAAD(aad(`${format}.${kid}`, workspaceId, id));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

// --- HS256 verification: signature, alg, exp, the claims the service requires ---
const JWT_HEADER_OK = new Set(['HS256']);
function verifyToken(authorization) {
  if (!authorization || !authorization.startsWith('Bearer ')) return undefined;
  const parts = authorization.slice(7).split('.');
  if (parts.length !== 3) return undefined;
  const expected = crypto.createHmac('sha256', jwtKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!JWT_HEADER_OK.has(header.alg) || typeof claims.exp !== 'number') return undefined;
    if (claims.exp * 1000 <= Date.now() || typeof claims.sub !== 'string') return undefined;
    return typeof claims.workspaceId === 'string' && claims.workspaceId
      ? claims.workspaceId
      : undefined;
  } catch {
    return undefined;
  }
}

// --- rows and responses ---
const toIso = (stored) => `${stored.replace(' ', 'T')}Z`;
const toStored = (date) => date.toISOString().replace('T', ' ').slice(0, 23);
const toResponse = (row) => ({
  id: row.id,
  name: row.name,
  credentialName: row.credentialName,
  encryptedData: row.encryptedData,
  workspaceId: row.workspaceId,
  createdDate: toIso(row.createdDate),
  updatedDate: toIso(row.updatedDate),
});
const ERRORS = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict' };
class HttpError extends Error {
  constructor(statusCode, message) {
    super(message);
    this.statusCode = statusCode;
  }
}
/** A get by id answers the secret's keys, each value replaced by Flowise's sentinel, as ours does. */
const REDACTED = '_FLOWISE_BLANK_07167752-1a71-43b1-bf8f-4f32252165db';
function withRedactedData(row) {
  const plain = JSON.parse(decrypt(row.encryptedData, row.workspaceId, row.id));
  return {
    ...toResponse(row),
    plainDataObj: Object.fromEntries(Object.keys(plain).map((key) => [key, REDACTED])),
  };
}
const notFound = () => new HttpError(404, 'Credential not found');
const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateBody(body, creating) {
  if (!isPlainObject(body)) throw new HttpError(400, 'body must be a JSON object');
  const nameOk = typeof body.name === 'string' && body.name.length <= 255 && /\S/.test(body.name);
  if ((creating || body.name !== undefined) && !nameOk) throw new HttpError(400, 'bad name');
  if ((creating || body.credentialName !== undefined) && !TYPE_NAME.test(body.credentialName)) {
    throw new HttpError(400, 'bad credentialName');
  }
  if ((creating || body.plainDataObj !== undefined) && !isPlainObject(body.plainDataObj)) {
    throw new HttpError(400, 'bad plainDataObj');
  }
  if (body.id !== undefined && !(typeof body.id === 'string' && UUID.test(body.id)))
    throw new HttpError(400, 'bad id');
}

async function findOwned(workspaceId, id) {
  const row = UUID.test(id)
    ? await query(
        'get',
        `SELECT ${COLUMNS}, version FROM vault_credential WHERE id = ? AND workspaceId = ?`,
        [id.toLowerCase(), workspaceId],
      )
    : undefined;
  if (!row) throw notFound();
  return row;
}

async function list(workspaceId, url, res) {
  const types = url.searchParams.getAll('credentialName');
  if (!types.every((t) => TYPE_NAME.test(t))) throw new HttpError(400, 'bad credentialName');
  const where = `WHERE workspaceId = ?${types.length ? ` AND credentialName IN (${types.map(() => '?').join(', ')})` : ''}`;
  const params = [workspaceId, ...types];
  const order = 'ORDER BY createdDate DESC, id DESC';
  const page = url.searchParams.get('page');
  const limit = url.searchParams.get('limit');
  if (page === null && limit === null) {
    return (
      await query('all', `SELECT ${COLUMNS} FROM vault_credential ${where} ${order}`, params)
    ).map(toResponse);
  }
  const size = Number(limit ?? 100);
  const offset = (Number(page ?? 1) - 1) * size;
  if (!Number.isInteger(size) || size < 1 || size > 1000 || !(offset >= 0))
    throw new HttpError(400, 'bad page or limit');
  const [rows, count] = await Promise.all([
    query('all', `SELECT ${COLUMNS} FROM vault_credential ${where} ${order} LIMIT ? OFFSET ?`, [
      ...params,
      size,
      offset,
    ]),
    // As the service: the trigger-kept counter, and COUNT(*) only when filtered.
    types.length
      ? query('get', `SELECT COUNT(*) AS total FROM vault_credential ${where}`, params)
      : query('get', 'SELECT total FROM vault_credential_count WHERE workspaceId = ?', [
          workspaceId,
        ]),
  ]);
  res.setHeader('X-Total-Count', String(count?.total ?? 0));
  return rows.map(toResponse);
}

async function create(workspaceId, body) {
  validateBody(body, true);
  const id = body.id ? body.id.toLowerCase() : crypto.randomUUID();
  const now = toStored(new Date());
  const row = {
    id,
    name: body.name,
    credentialName: body.credentialName,
    workspaceId,
    createdDate: now,
    updatedDate: now,
  };
  row.encryptedData = encrypt(JSON.stringify(body.plainDataObj), workspaceId, id);
  try {
    await query(
      'run',
      `INSERT INTO vault_credential (${COLUMNS}, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
      [
        row.id,
        row.name,
        row.credentialName,
        row.encryptedData,
        row.workspaceId,
        row.createdDate,
        row.updatedDate,
      ],
    );
  } catch (error) {
    if (error.code === 'SQLITE_CONSTRAINT' || error.code === '23505')
      throw new HttpError(409, `Credential ${id} already exists`);
    throw error;
  }
  return toResponse(row);
}

async function update(workspaceId, id, body) {
  validateBody(body, false);
  for (let attempt = 0; attempt < 10; attempt++) {
    const row = await findOwned(workspaceId, id);
    if (body.credentialName !== undefined && body.credentialName !== row.credentialName) {
      throw new HttpError(400, 'credentialName cannot change');
    }
    const next = { ...row, name: body.name ?? row.name };
    if (body.plainDataObj) {
      const merged = JSON.parse(decrypt(row.encryptedData, workspaceId, row.id));
      for (const [key, value] of Object.entries(body.plainDataObj)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      next.encryptedData = encrypt(JSON.stringify(merged), workspaceId, row.id);
    }
    next.updatedDate = toStored(
      new Date(Math.max(Date.now(), Date.parse(toIso(row.updatedDate)) + 1)),
    );
    const result = await query(
      'run',
      'UPDATE vault_credential SET name = ?, encryptedData = ?, updatedDate = ?, version = ? WHERE id = ? AND workspaceId = ? AND version = ?',
      [
        next.name,
        next.encryptedData,
        next.updatedDate,
        row.version + 1,
        row.id,
        workspaceId,
        row.version,
      ],
    );
    if (result.changes === 1) return toResponse(next);
  }
  throw new HttpError(409, 'Credential is being changed concurrently; try again');
}

async function remove(workspaceId, id) {
  const result = UUID.test(id)
    ? await query('run', 'DELETE FROM vault_credential WHERE id = ? AND workspaceId = ?', [
        id.toLowerCase(),
        workspaceId,
      ])
    : { changes: 0 };
  if (result.changes !== 1) throw notFound();
  return { message: 'Credential deleted successfully' };
}

async function route(req, res, body) {
  const url = new URL(req.url, 'http://reference');
  if (url.pathname === '/api/v1/health' && req.method === 'GET') {
    await query('get', 'SELECT 1');
    const up = { database: { status: 'up' } };
    return { status: 'ok', info: up, error: {}, details: up };
  }
  const match = /^\/api\/v1\/credentials(?:\/([^/]+))?$/.exec(url.pathname);
  if (!match) throw new HttpError(404, `Cannot ${req.method} ${url.pathname}`);
  const workspaceId = verifyToken(req.headers.authorization);
  if (!workspaceId) throw new HttpError(401, 'Unauthorized');
  const id = match[1] && decodeURIComponent(match[1]);
  const json = () => {
    try {
      return JSON.parse(body);
    } catch {
      throw new HttpError(400, 'Body is not valid JSON');
    }
  };
  if (!id && req.method === 'GET') return list(workspaceId, url, res);
  if (!id && req.method === 'POST') return ((res.statusCode = 201), create(workspaceId, json()));
  if (id && req.method === 'GET') return withRedactedData(await findOwned(workspaceId, id));
  if (id && req.method === 'PUT') return update(workspaceId, id, json());
  if (id && req.method === 'DELETE') return remove(workspaceId, id);
  throw new HttpError(404, `Cannot ${req.method} ${url.pathname}`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    route(req, res, Buffer.concat(chunks).toString('utf8')).then(
      (result) => send(res, res.statusCode, result),
      (error) => {
        const statusCode = error instanceof HttpError ? error.statusCode : 500;
        if (statusCode === 500) process.stderr.write(`${error.stack}\n`);
        send(res, statusCode, {
          statusCode,
          message: error.message,
          error: ERRORS[statusCode] ?? 'Internal Server Error',
        });
      },
    );
  });
});
function send(res, statusCode, payload) {
  const text = JSON.stringify(payload);
  res.writeHead(statusCode, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

open().then(
  () => server.listen(Number(env.PORT ?? 3100), env.HOST ?? '127.0.0.1'),
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
