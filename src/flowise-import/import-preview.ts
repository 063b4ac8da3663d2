import { Conflict, PlannedCredential } from './import-plan';

/**
 * `permissive` (the default) imports credentials that fail their type check and lists them;
 * `strict` lists them and writes nothing.
 */
export type TypeCheckMode = 'strict' | 'permissive';
export const TYPE_CHECK_MODES: readonly TypeCheckMode[] = ['strict', 'permissive'];

/** What an import would do, as `--dry-run` prints it. Holds secrets: never print it whole. */
export interface ImportPreview {
  /** Where the rows came from (a URL without its password). */
  readonly source: string;
  /** Rows in Flowise's credential table. */
  readonly total: number;
  readonly credentials: PlannedCredential[];
  readonly conflicts: Conflict[];
  /** Problems name fields, never values. */
  readonly typeFailures: { id: string; credentialName: string; problems: string[] }[];
  /** Creates whose name an existing credential of the workspace has: allowed, but worth a look. */
  readonly nameMatches: { id: string; workspaceId: string; name: string }[];
  readonly unmapped: { flowiseWorkspaceId: string | null; count: number }[];
  /** Why the import cannot go ahead; with any, nothing is written. */
  readonly blockers: string[];
}
