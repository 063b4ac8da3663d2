import { expect } from 'expect';
import { describe, it } from 'node:test';
import { PlainData } from '../core/plain-data';
import { CandidateCredential, ExistingCredential, planImport, VaultLookup } from './import-plan';

const candidate = (id: string, secret: string): CandidateCredential => ({
  id,
  workspaceId: 'ws-a',
  flowiseWorkspaceId: 'fw-a',
  name: 'OpenAI',
  credentialName: 'openAIApi',
  plainData: { openAIApiKey: secret },
  createdDate: new Date('2024-01-01T00:00:00Z'),
  updatedDate: new Date('2024-01-02T00:00:00Z'),
});

/** An in-memory vault: rows by id with their secret. */
function vault(rows: (ExistingCredential & { data: PlainData })[]): VaultLookup {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    locate: (ids) => Promise.resolve(ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))),
    reveal: (workspaceId, id) => {
      const row = byId.get(id);
      return row && row.workspaceId === workspaceId
        ? Promise.resolve(row.data)
        : Promise.reject(new Error('not found'));
    },
  };
}

const ID_NEW = '00000000-0000-4000-8000-000000000001';
const ID_SAME = '00000000-0000-4000-8000-000000000002';
const ID_CHANGED = '00000000-0000-4000-8000-000000000003';
const ID_ELSEWHERE = '00000000-0000-4000-8000-000000000004';
const existing = [
  {
    id: ID_SAME,
    workspaceId: 'ws-a',
    name: 'OpenAI',
    credentialName: 'openAIApi',
    data: { openAIApiKey: 'same' },
  },
  {
    id: ID_CHANGED,
    workspaceId: 'ws-a',
    name: 'OpenAI',
    credentialName: 'openAIApi',
    data: { openAIApiKey: 'ours' },
  },
  {
    id: ID_ELSEWHERE,
    workspaceId: 'ws-b',
    name: 'OpenAI',
    credentialName: 'openAIApi',
    data: { openAIApiKey: 'x' },
  },
];
const candidates = [
  candidate(ID_NEW, 'new'),
  candidate(ID_SAME, 'same'),
  candidate(ID_CHANGED, 'theirs'),
  candidate(ID_ELSEWHERE, 'x'),
];

describe('planImport', () => {
  it('creates new ids, skips identical rows silently, and fails on every other use of an id', async () => {
    const plan = await planImport(candidates, 'fail', vault(existing));
    expect(plan.credentials.map((c) => [c.id, c.action])).toEqual([
      [ID_NEW, 'create'],
      [ID_SAME, 'unchanged'],
    ]);
    expect(plan.conflicts).toEqual([
      {
        sourceId: ID_CHANGED,
        workspaceId: 'ws-a',
        existingWorkspaceId: 'ws-a',
        resolution: 'fail',
      },
      {
        sourceId: ID_ELSEWHERE,
        workspaceId: 'ws-a',
        existingWorkspaceId: 'ws-b',
        resolution: 'fail',
      },
    ]);
  });

  it('skip keeps the existing rows', async () => {
    const plan = await planImport(candidates, 'skip', vault(existing));
    expect(plan.credentials.map((c) => c.action)).toEqual(['create', 'unchanged', 'skip', 'skip']);
  });

  it('rename makes copies under ids derived from the original, found again on a rerun', async () => {
    const first = await planImport(candidates, 'rename', vault(existing));
    const copies = first.credentials.filter((c) => c.id !== c.sourceId);
    expect(copies.map((c) => [c.sourceId, c.name, c.action])).toEqual([
      [ID_CHANGED, 'OpenAI (from Flowise)', 'create'],
      [ID_ELSEWHERE, 'OpenAI (from Flowise)', 'create'],
    ]);
    expect(first.conflicts.map((c) => c.newId)).toEqual(copies.map((c) => c.id));
    const stored = copies.map((c) => ({ ...c, data: c.plainData }));
    const again = await planImport(candidates, 'rename', vault([...existing, ...stored]));
    expect(
      again.credentials.filter((c) => c.id !== c.sourceId).map((c) => [c.id, c.action]),
    ).toEqual(copies.map((c) => [c.id, 'unchanged']));
  });
});
