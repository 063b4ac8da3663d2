import { expect } from 'expect';
import fc from 'fast-check';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { displayTextProblem } from '../../src/common/is-display-text.decorator';
import { CREDENTIAL_RESPONSE_KEYS } from './factories';
import { bodyOf } from './identity';
import { createTestApp, removeDir, TestApp } from './test-app';

/** Each property runs until this time is up (or its runs are done); the whole file stays under a minute. */
const TIME_LIMIT_MS = 6000;
const SETTINGS = {
  numRuns: 100_000,
  interruptAfterTimeLimit: TIME_LIMIT_MS,
  markInterruptAsFailure: false,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Text with every kind of character: controls, bidi, zero-width, lone surrogates, emoji. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u202eb', '\u200b', '\ud800', 'openAIApi', 'x'.repeat(256)),
);
const anyValue = fc.oneof(anyText, fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
const plainData = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor')),
    anyValue,
    { maxKeys: 6 },
  ),
  fc.dictionary(
    fc.constantFrom('openAIApiKey', 'apiKey'),
    fc.oneof(anyText, fc.integer(), fc.boolean()),
  ),
  anyValue,
);
/** Valid bodies with one or two hostile values, so the success path is exercised too. */
const nearlyValidBody = fc.record(
  {
    name: fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
      { weight: 2, arbitrary: anyText },
    ),
    credentialName: fc.constant('openAIApi'),
    plainDataObj: fc.record({
      openAIApiKey: fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 80 }) },
        { weight: 1, arbitrary: anyValue },
      ),
    }),
    id: fc.uuid(),
  },
  { requiredKeys: ['name', 'credentialName', 'plainDataObj'] },
);
/** Bodies shaped like the DTOs, with hostile values, plus arbitrary JSON. */
const credentialBody = fc.oneof(
  nearlyValidBody,
  fc.record(
    {
      name: fc.oneof(anyText, anyValue),
      credentialName: fc.oneof(
        fc.constantFrom('openAIApi', 'customApi', 'bad name'),
        anyText,
        anyValue,
      ),
      plainDataObj: plainData,
      id: fc.oneof(fc.uuid(), anyText),
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 6 }),
);

/** The request DTO's own rules, written out independently of class-validator. */
function isValidCreate(sent: unknown): boolean {
  // What the server receives: JSON drops undefined members (an `extra: undefined` is no extra).
  const body: unknown = sent === undefined ? undefined : JSON.parse(JSON.stringify(sent));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return false;
  }
  const { name, credentialName, plainDataObj, id, ...rest } = body as Record<string, unknown>;
  const values =
    typeof plainDataObj === 'object' && plainDataObj !== null ? Object.values(plainDataObj) : [];
  return (
    Object.keys(rest).length === 0 &&
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= 255 &&
    displayTextProblem(name) === undefined &&
    typeof credentialName === 'string' &&
    /^[A-Za-z0-9_-]{1,100}$/.test(credentialName) &&
    !Array.isArray(plainDataObj) &&
    values.length >= 1 &&
    values.length <= 100 &&
    values.every((v) => ['string', 'number', 'boolean'].includes(typeof v)) &&
    (id === undefined || (typeof id === 'string' && UUID.test(id.toLowerCase())))
  );
}

/** Runs and 2xx answers per property, printed so a run shows it reached the success path. */
const tally = new Map<string, { runs: number; ok: number }>();
function count(label: string, status: number): void {
  const entry = tally.get(label) ?? { runs: 0, ok: 0 };
  entry.runs++;
  entry.ok += status < 300 ? 1 : 0;
  tally.set(label, entry);
}

function expectCredentialShape(body: Record<string, unknown>): void {
  expect(Object.keys(body).sort()).toEqual(CREDENTIAL_RESPONSE_KEYS);
  expect(body.id).toMatch(UUID);
  expect(body.workspaceId).toBe('ws-fuzz');
  expect(typeof body.encryptedData).toBe('string');
}

describe('Hardening: property-based fuzzing of the API', () => {
  let t: TestApp;
  let token: string;
  let existingId: string;
  before(async () => {
    t = await createTestApp();
    token = t.tokenFor({ workspaceId: 'ws-fuzz' });
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'seed', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-1' } });
    existingId = (created.body as { id: string }).id;
  });
  after(async () => {
    for (const [label, { runs, ok }] of tally) {
      console.log(`fuzz ${label}: ${runs} requests, ${ok} answered 2xx`);
    }
    await t.close();
    removeDir(t.dataDir);
  });

  const send = (method: 'post' | 'put' | 'patch', path: string, body: unknown) => {
    const agent = request(t.http());
    return agent[method](`/api/v1${path}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body) ?? 'null');
  };

  it('POST /credentials: never a 5xx; a 2xx only for a valid body, echoing it', async () => {
    await fc.assert(
      fc.asyncProperty(credentialBody, async (body) => {
        const response = await send('post', '/credentials', body);
        count('POST /credentials', response.status);
        expect(response.status).toBeLessThan(500);
        if (response.status < 300) {
          expect(isValidCreate(body)).toBe(true);
          expectCredentialShape(response.body as Record<string, unknown>);
          expect(bodyOf(response).name).toBe((body as { name: string }).name);
        }
      }),
      SETTINGS,
    );
  });

  it('PUT and PATCH /credentials/:id: never a 5xx; a 2xx keeps the response schema', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'put' | 'patch'>('put', 'patch'),
        credentialBody,
        async (method, body) => {
          const response = await send(method, `/credentials/${existingId}`, body);
          count('PUT|PATCH /credentials/:id', response.status);
          expect(response.status).toBeLessThan(500);
          if (response.status < 300) {
            expectCredentialShape(response.body as Record<string, unknown>);
            const name = (body as { name?: unknown }).name;
            expect(
              name === undefined ||
                (typeof name === 'string' && displayTextProblem(name) === undefined),
            ).toBe(true);
          }
        },
      ),
      SETTINGS,
    );
  });

  it('GET /credentials with arbitrary query parameters: never a 5xx; 2xx only for valid pages', async () => {
    const param = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.integer().map(String),
      fc.double().map(String),
      fc.bigInt().map(String),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ page: param, limit: param, credentialName: param }, { requiredKeys: [] }),
        async (query) => {
          const response = await request(t.http())
            .get('/api/v1/credentials')
            .query(query)
            .set('Authorization', `Bearer ${token}`);
          count('GET /credentials?query', response.status);
          expect(response.status).toBeLessThan(500);
          if (response.status < 300) {
            expect(Array.isArray(response.body)).toBe(true);
            for (const [key, max] of [
              ['page', 1_000_000],
              ['limit', 1000],
            ] as const) {
              const value = query[key];
              expect(
                value === undefined || (/^[0-9]+$/.test(value) && +value >= 1 && +value <= max),
              ).toBe(true);
            }
          }
        },
      ),
      SETTINGS,
    );
  });

  it('POST /auth/login and the workspace routes with arbitrary JSON: never a 5xx', async () => {
    const paths = fc.constantFrom(
      '/auth/login',
      '/auth/refresh',
      '/workspaces',
      '/users',
      '/auth/switch-workspace',
    );
    await fc.assert(
      fc.asyncProperty(
        paths,
        fc.oneof(fc.jsonValue({ maxDepth: 5 }), credentialBody),
        async (path, body) => {
          const response = await send('post', path, body);
          expect(response.status).toBeLessThan(500);
          expect(response.status === 200 || response.status === 201).toBe(false);
        },
      ),
      { ...SETTINGS, interruptAfterTimeLimit: TIME_LIMIT_MS / 2 },
    );
  });
});
