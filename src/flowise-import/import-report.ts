import { ImportPreview } from './import-preview';
import { flowiseWorkspaceLabel } from './workspace-mapping';

const MAX_LISTED = 20;

/** The dry-run report, also printed before a real run: counts, conflicts, checks. No secrets. */
export function describePreview(preview: ImportPreview): string[] {
  const lines = [`Flowise source: ${preview.source} (${preview.total} credential row(s))`];
  const groups = new Map<string, Map<string, Record<string, number>>>();
  for (const credential of preview.credentials) {
    const key = `${flowiseWorkspaceLabel(credential.flowiseWorkspaceId)} -> ${credential.workspaceId}`;
    const types = groups.get(key) ?? new Map<string, Record<string, number>>();
    const counts = types.get(credential.credentialName) ?? { create: 0, unchanged: 0, skip: 0 };
    counts[credential.action]++;
    groups.set(key, types.set(credential.credentialName, counts));
  }
  for (const [key, types] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`Workspace ${key}:`);
    for (const [type, counts] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(
        `  ${type.padEnd(32)} new ${counts.create}, already imported ${counts.unchanged}, ` +
          `skipped ${counts.skip}`,
      );
    }
  }
  for (const { flowiseWorkspaceId, count } of preview.unmapped) {
    lines.push(`Workspace ${flowiseWorkspaceLabel(flowiseWorkspaceId)} -> (no target): ${count}`);
  }
  lines.push(`Conflicts: ${preview.conflicts.length}`);
  lines.push(
    ...listed(
      preview.conflicts.map(
        (c) =>
          `  ${c.sourceId}: exists ${c.existingWorkspaceId === c.workspaceId ? 'with other content' : `in workspace ${c.existingWorkspaceId}`}` +
          ` -> ${c.resolution}${c.newId ? ` as ${c.newId}` : ''}`,
      ),
    ),
  );
  lines.push(`Failing their type check: ${preview.typeFailures.length}`);
  lines.push(
    ...listed(
      preview.typeFailures.map((f) => `  ${f.id} (${f.credentialName}): ${f.problems.join('; ')}`),
    ),
  );
  if (preview.nameMatches.length > 0) {
    lines.push(
      `Names already used in their workspace (imported alongside): ${preview.nameMatches.length}`,
      ...listed(preview.nameMatches.map((m) => `  ${m.id} "${m.name}" in ${m.workspaceId}`)),
    );
  }
  if (preview.blockers.length > 0) {
    lines.push(
      `Cannot import (${preview.blockers.length} problem(s)); nothing will be written:`,
      ...listed(preview.blockers.map((blocker) => `  ${blocker}`)),
    );
  }
  return lines;
}

/** The real run's summary and its read-back check. */
export function describeResult(
  preview: ImportPreview,
  result: {
    created: number;
    seconds: number;
    check: { verified: number; failures: { id: string; reason: string }[] };
  },
): string[] {
  const { created, seconds, check } = result;
  const count = (action: string) => preview.credentials.filter((c) => c.action === action).length;
  const failingType = new Set(preview.typeFailures.map((failure) => failure.id));
  const createdFailingType = preview.credentials.filter(
    (c) => c.action === 'create' && failingType.has(c.sourceId),
  ).length;
  return [
    `Imported ${created} credential(s) in ${seconds.toFixed(1)} s ` +
      `(${Math.round(created / Math.max(seconds, 0.001))}/s); already imported ` +
      `${count('unchanged')}, skipped ${count('skip')}; ${createdFailingType} of the new ones ` +
      'fail their type check (imported as they were).',
    `Verified ${check.verified} of ${check.verified + check.failures.length}: each decrypts ` +
      "under this vault's keys to its Flowise original, with the same name, type and dates.",
    ...check.failures.map((failure) => `FAILED ${failure.id}: ${failure.reason}`),
    check.failures.length === 0 ? 'import:flowise: clean' : 'import:flowise: FAILURES',
  ];
}

function listed(lines: string[]): string[] {
  return lines.length > MAX_LISTED
    ? [...lines.slice(0, MAX_LISTED), `  … and ${lines.length - MAX_LISTED} more`]
    : lines;
}
