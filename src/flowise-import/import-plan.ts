import { isDeepStrictEqual } from 'node:util';
import { v5 as uuidv5 } from 'uuid';
import { ImportedCredential } from '../credentials/credential-transfer.service';
import { PlainData, withoutRedactedValues } from '../core/plain-data';

export type ConflictPolicy = 'skip' | 'fail' | 'rename';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['skip', 'fail', 'rename'];

/** A credential ready to plan: decrypted, storable, with its target workspace. */
export interface CandidateCredential extends ImportedCredential {
  readonly flowiseWorkspaceId: string | null;
}

export interface PlannedCredential extends CandidateCredential {
  /** The id in Flowise; `id` differs only for a renamed copy. */
  readonly sourceId: string;
  /** `unchanged`: imported before with the same content (a rerun); `skip`: a conflict skipped. */
  readonly action: 'create' | 'unchanged' | 'skip';
}

export interface Conflict {
  readonly sourceId: string;
  readonly workspaceId: string;
  /** Where the id lives here: another workspace, or this one with other content. */
  readonly existingWorkspaceId: string;
  readonly resolution: ConflictPolicy;
  /** The renamed copy's id (`rename`). */
  readonly newId?: string;
}

export interface ExistingCredential {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly credentialName: string;
}

/** What the planner reads from this vault; it never writes. */
export interface VaultLookup {
  locate(ids: readonly string[]): Promise<ExistingCredential[]>;
  reveal(workspaceId: string, id: string): Promise<PlainData>;
}

const LOOKUP_BATCH = 500;
const RENAME_SUFFIX = ' (from Flowise)';
/** Namespace of renamed copies' ids: the same source row and workspace give the same new id. */
const RENAMED_ID_NAMESPACE = '0b8f5c1e-2f4d-4a7e-9c1a-6d3e8b2f7a90';

/**
 * Decides, per credential, create, skip or "already imported". An id that exists here with the
 * same workspace, name, type and secret is a rerun and is skipped silently; any other use of the
 * id is a conflict, resolved by the policy. A renamed copy gets an id derived from the original
 * (UUID v5), so a rerun finds it again instead of making another copy.
 */
export async function planImport(
  candidates: readonly CandidateCredential[],
  policy: ConflictPolicy,
  vault: VaultLookup,
): Promise<{ credentials: PlannedCredential[]; conflicts: Conflict[] }> {
  const existing = await locateAll(
    vault,
    candidates.map((candidate) => candidate.id),
  );
  const credentials: PlannedCredential[] = [];
  const conflicts: Conflict[] = [];
  const renames: { candidate: CandidateCredential; renamed: CandidateCredential }[] = [];
  for (const candidate of candidates) {
    const found = existing.get(candidate.id);
    if (!found) {
      credentials.push({ ...candidate, sourceId: candidate.id, action: 'create' });
    } else if (await sameContent(vault, found, candidate)) {
      credentials.push({ ...candidate, sourceId: candidate.id, action: 'unchanged' });
    } else if (policy === 'rename') {
      renames.push({ candidate, renamed: renamedCopy(candidate) });
    } else {
      conflicts.push(conflictOf(candidate, found, policy));
      if (policy === 'skip') {
        credentials.push({ ...candidate, sourceId: candidate.id, action: 'skip' });
      }
    }
  }
  const existingCopies = await locateAll(
    vault,
    renames.map(({ renamed }) => renamed.id),
  );
  for (const { candidate, renamed } of renames) {
    const found = existing.get(candidate.id)!;
    const copy = existingCopies.get(renamed.id);
    if (copy && !(await sameContent(vault, copy, renamed))) {
      // The copy's own id is taken by something else: too unlikely to resolve automatically.
      conflicts.push(conflictOf(candidate, found, 'fail'));
      continue;
    }
    conflicts.push({ ...conflictOf(candidate, found, 'rename'), newId: renamed.id });
    credentials.push({
      ...renamed,
      sourceId: candidate.id,
      action: copy ? 'unchanged' : 'create',
    });
  }
  return { credentials, conflicts };
}

function conflictOf(
  candidate: CandidateCredential,
  found: ExistingCredential,
  resolution: ConflictPolicy,
): Conflict {
  return {
    sourceId: candidate.id,
    workspaceId: candidate.workspaceId,
    existingWorkspaceId: found.workspaceId,
    resolution,
  };
}

function renamedCopy(candidate: CandidateCredential): CandidateCredential {
  const base = candidate.name.slice(0, 255 - RENAME_SUFFIX.length);
  return {
    ...candidate,
    id: uuidv5(`${candidate.workspaceId}\n${candidate.id}`, RENAMED_ID_NAMESPACE),
    name: `${base}${RENAME_SUFFIX}`,
  };
}

async function sameContent(
  vault: VaultLookup,
  found: ExistingCredential,
  candidate: CandidateCredential,
): Promise<boolean> {
  if (
    found.workspaceId !== candidate.workspaceId ||
    found.name !== candidate.name ||
    found.credentialName !== candidate.credentialName
  ) {
    return false;
  }
  const stored = await vault.reveal(found.workspaceId, found.id);
  return isDeepStrictEqual(stored, withoutRedactedValues(candidate.plainData));
}

async function locateAll(
  vault: VaultLookup,
  ids: readonly string[],
): Promise<Map<string, ExistingCredential>> {
  const found = new Map<string, ExistingCredential>();
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    for (const row of await vault.locate(ids.slice(i, i + LOOKUP_BATCH))) {
      found.set(row.id, row);
    }
  }
  return found;
}
