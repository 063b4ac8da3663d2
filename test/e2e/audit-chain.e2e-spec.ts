import { expect } from 'expect';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditChainEntity } from '../../src/audit/audit-chain.entity';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { AuditRetention } from '../../src/audit/audit-retention';
import { AuditVerification } from '../../src/audit/audit-verification';
import { CredentialsClient } from '../../src/credentials/credentials-client';
import { createCredentialBody, secretValue } from './factories';
import { runCli } from './key-custody-harness';
import { SecretLedger } from './leak-scan';
import { querySql } from './portable-sql';
import { createTestApp, removeDir, TestApp } from './test-app';

const CREDENTIALS = '/api/v1/credentials';

describe('Audit chain: verify catches tampering by hand-written SQL; export; retention', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let saved: { events: AuditEventEntity[]; chain: AuditChainEntity[] };
  const ledger = new SecretLedger();
  const workspaceId = 'ws-audit-chain';
  const ids: string[] = [];

  const verify = () => t.app.get(AuditVerification).verify();
  const run = (sql: string, parameters?: unknown[]) => querySql(dataSource, sql, parameters);
  const seqs = async (): Promise<number[]> =>
    (await run('SELECT seq FROM vault_audit_event ORDER BY seq')).map((row) => Number(row.seq));

  before(async () => {
    t = await createTestApp();
    dataSource = t.app.get(DataSource);
    const token = t.tokenFor({ workspaceId });
    for (let i = 0; i < 4; i++) {
      const secret = ledger.add(secretValue());
      const created = await request(t.http())
        .post(CREDENTIALS)
        .set('Authorization', `Bearer ${token}`)
        .send(createCredentialBody({ name: `Chain ${i}`, plainDataObj: { openAIApiKey: secret } }));
      expect(created.status).toBe(201);
      ids.push((created.body as { id: string }).id);
    }
    const client = t.app.get(CredentialsClient);
    await client.update(workspaceId, ids[0], {
      plainDataObj: { openAIApiKey: ledger.add(secretValue()) },
    });
    expect(Object.keys(await client.reveal(workspaceId, ids[1]))).toEqual(['openAIApiKey']);
    await client.recordUsage(workspaceId, ids[2], { kind: 'chatflow', id: 'flow-1' });
    await client.releaseUsage(workspaceId, ids[2], { kind: 'chatflow', id: 'flow-1' });
    await client.delete(workspaceId, ids[3]);
    saved = {
      events: await dataSource.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } }),
      chain: await dataSource.getRepository(AuditChainEntity).find(),
    };
  });
  /** Puts back the untouched trail after each tampering. */
  afterEach(async () => {
    await dataSource.getRepository(AuditEventEntity).clear();
    await dataSource.getRepository(AuditEventEntity).insert(saved.events);
    await dataSource.getRepository(AuditChainEntity).save(saved.chain);
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  it('records in-process reveals and usages with the system actor, and the chain verifies', async () => {
    const actions = saved.events.map((event) => event.action);
    expect(actions).toEqual([
      'credential.created',
      'credential.created',
      'credential.created',
      'credential.created',
      'credential.updated',
      'credential.revealed',
      'credential.usage.recorded',
      'credential.usage.released',
      'credential.deleted',
    ]);
    expect(saved.events[0]).toMatchObject({ actorType: 'user', actorId: 'user-1' });
    expect(saved.events[5]).toMatchObject({
      actorType: 'system',
      actorId: null,
      targetId: ids[1],
    });
    expect(JSON.parse(saved.events[6].details ?? '{}')).toEqual({
      usageKind: 'chatflow',
      usageId: 'flow-1',
    });
    ledger.expectAbsentFrom(JSON.stringify(saved), 'the audit events');
    expect(await verify()).toEqual({ events: 9, prunedThroughSeq: 0, headSeq: 9 });
  });

  it('catches an edited field', async () => {
    await run("UPDATE vault_audit_event SET targetName = 'Innocent' WHERE seq = ?", [3]);
    expect((await verify()).broken).toMatchObject({ kind: 'edited', seq: 3 });
  });

  it('catches a deleted event in the middle', async () => {
    await run('DELETE FROM vault_audit_event WHERE seq = ?', [5]);
    expect((await verify()).broken).toMatchObject({ kind: 'deleted', seq: 6 });
  });

  it('catches two events swapped', async () => {
    await run('UPDATE vault_audit_event SET seq = ? WHERE seq = ?', [1000, 4]);
    await run('UPDATE vault_audit_event SET seq = ? WHERE seq = ?', [4, 5]);
    await run('UPDATE vault_audit_event SET seq = ? WHERE seq = ?', [5, 1000]);
    const broken = (await verify()).broken;
    expect(broken).toMatchObject({ kind: 'reordered', seq: 4 });
    expect(broken?.message).toMatch(/follows event 5 in the chain, not event 3/);
  });

  it('catches a truncated tail, and a head rewound to match it', async () => {
    await run('DELETE FROM vault_audit_event WHERE seq > ?', [7]);
    expect((await verify()).broken).toMatchObject({ kind: 'truncated', seq: 9 });
    const [last] = await run('SELECT mac FROM vault_audit_event WHERE seq = ?', [7]);
    await run('UPDATE vault_audit_chain SET headSeq = ?, headMac = ?', [7, last.mac]);
    expect((await verify()).broken).toMatchObject({ kind: 'head' });
  });

  it('audit:verify exits 0 on an intact trail and 1 naming the first broken link', async () => {
    const env = { DATA_DIR: t.dataDir };
    const intact = await runCli(['audit:verify'], env);
    expect(intact.stdout).toMatch(/Audit trail intact: 9 event\(s\) verified/);
    expect(intact.code).toBe(0);
    await run("UPDATE vault_audit_event SET outcome = 'denied' WHERE seq = ?", [2]);
    const broken = await runCli(['audit:verify'], env);
    expect(broken.stdout).toMatch(/BROKEN \(edited\): Event 2 .* a field was edited/);
    expect(broken.code).toBe(1);
  });

  it('audit:export writes NDJSON between --since and --until, nothing secret', async () => {
    const env = { DATA_DIR: t.dataDir };
    const all = await runCli(['audit:export', '--since', '2000-01-01T00:00:00Z'], env);
    expect(all.code).toBe(0);
    ledger.expectAbsentFrom(all.stdout, 'the export');
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEventEntity);
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lines[4]).toMatchObject({ action: 'credential.updated', mac: saved.events[4].mac });
    const none = await runCli(
      ['audit:export', '--since', '2000-01-01T00:00:00Z', '--until', '2000-01-02T00:00:00Z'],
      env,
    );
    expect(none).toMatchObject({ code: 0, stdout: '' });
    const bad = await runCli(['audit:export', '--since', 'yesterday'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--since must be an ISO 8601 time/);
  });

  it('retention prunes the oldest events behind a signed checkpoint; the rest still verifies', async () => {
    const [cut] = await run('SELECT occurredAt FROM vault_audit_event WHERE seq = ?', [5]);
    // Events 1-4 are strictly older than event 5 when their times differ; find the cut seq.
    const older = await run('SELECT seq FROM vault_audit_event WHERE occurredAt < ?', [
      cut.occurredAt,
    ]);
    const throughSeq = Math.max(...older.map((row) => Number(row.seq)));
    const result = await t.app.get(AuditRetention).pruneBefore(new Date(String(cut.occurredAt)));
    expect(result).toEqual({ events: throughSeq, throughSeq });
    expect((await seqs())[0]).toBe(throughSeq + 1);
    const report = await verify();
    expect(report).toEqual({ events: 10 - throughSeq, prunedThroughSeq: throughSeq, headSeq: 10 });
    const [pruned] = await run('SELECT action, details FROM vault_audit_event WHERE seq = ?', [10]);
    expect(pruned.action).toBe('audit.pruned');
    await run('DELETE FROM vault_audit_event WHERE seq = ?', [throughSeq + 1]);
    expect((await verify()).broken).toMatchObject({ kind: 'deleted' });
    await run('UPDATE vault_audit_chain SET anchorSeq = ?', [throughSeq + 1]);
    expect((await verify()).broken).toMatchObject({ kind: 'anchor' });
  });
});
