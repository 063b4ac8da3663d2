import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { createCredentialBody } from './factories';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

describe('Concurrent writes', () => {
  let t: TestApp;
  const workspaceId = randomWorkspaceId();
  let authorization: string;

  before(async () => {
    // Permissive, with a type outside the catalogue: this spec is about merges, not type rules.
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
    authorization = `Bearer ${t.tokenFor({ workspaceId })}`;
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('serves 50 concurrent creates, all stored', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(t.http())
          .post('/api/v1/credentials')
          .set('Authorization', authorization)
          .send(createCredentialBody({ name: `concurrent ${i}` })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const list = await request(t.http())
      .get('/api/v1/credentials')
      .set('Authorization', authorization);
    expect((list.body as unknown[]).length).toBe(50);
    expect(new Set((list.body as Array<{ id: string }>).map((c) => c.id)).size).toBe(50);
  });

  it('loses none of 20 concurrent merges into one credential', async () => {
    const created = await request(t.http())
      .post('/api/v1/credentials')
      .set('Authorization', authorization)
      .send(
        createCredentialBody({
          credentialName: 'concurrencyTestApi',
          plainDataObj: { base: 'kept-value-0001' },
        }),
      );
    const id = (created.body as { id: string }).id;

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(t.http())
          .put(`/api/v1/credentials/${id}`)
          .set('Authorization', authorization)
          .send({ plainDataObj: { [`field${i}`]: `value-${i}` } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const stored = await t.app.get(CredentialsService).revealPlainData(workspaceId, id);
    expect(stored).toEqual({
      base: 'kept-value-0001',
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field${i}`, `value-${i}`])),
    });
    const errors = t.logs.lines.filter((line) => /SQLITE_BUSY|transaction|error/i.test(line));
    expect(errors).toEqual([]);
  });

  it('loses no merge when two servers share the database (row version check)', async () => {
    // A second server on the same files: like a second replica, its queue knows nothing of ours.
    const replica = await createTestApp({ CREDENTIAL_TYPES: 'permissive' }, t.dataDir);
    try {
      const created = await request(t.http())
        .post('/api/v1/credentials')
        .set('Authorization', authorization)
        .send(
          createCredentialBody({
            credentialName: 'concurrencyTestApi',
            plainDataObj: { base: 'kept-value-0002' },
          }),
        );
      const id = (created.body as { id: string }).id;
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request((i % 2 === 0 ? t : replica).http())
            .put(`/api/v1/credentials/${id}`)
            .set('Authorization', authorization)
            .send({ plainDataObj: { [`field${i}`]: `value-${i}` } }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      const stored = await replica.app.get(CredentialsService).revealPlainData(workspaceId, id);
      expect(Object.keys(stored).sort()).toEqual(
        ['base', ...Array.from({ length: 20 }, (_, i) => `field${i}`)].sort(),
      );
    } finally {
      await replica.close();
    }
  });
});
