/** Where each Flowise workspace's credentials go: `--map-workspace` pairs, else `--workspace`. */
export interface WorkspaceMapping {
  readonly map: ReadonlyMap<string, string>;
  /** For every Flowise workspace not in `map`, and for rows without a workspace. */
  readonly fallback?: string;
}

const MAX_WORKSPACE_ID_LENGTH = 255;

/** Parses one `--map-workspace <flowiseId>=<ours>` and adds it to the pairs so far. */
export function addWorkspacePair(
  value: string,
  previous: Map<string, string> = new Map(),
): Map<string, string> {
  const separator = value.indexOf('=');
  const flowiseId = value.slice(0, separator).trim();
  const ours = value.slice(separator + 1).trim();
  if (separator < 0 || flowiseId === '' || ours === '') {
    throw new Error(`--map-workspace takes <flowiseWorkspaceId>=<ourWorkspaceId>, not ${value}`);
  }
  if (previous.has(flowiseId) && previous.get(flowiseId) !== ours) {
    throw new Error(`--map-workspace maps ${flowiseId} twice`);
  }
  assertWorkspaceId(ours, '--map-workspace');
  return new Map(previous).set(flowiseId, ours);
}

export function assertWorkspaceId(id: string, flag: string): void {
  if (id.trim() === '' || id.length > MAX_WORKSPACE_ID_LENGTH) {
    throw new Error(`${flag}: a workspace id is 1 to ${MAX_WORKSPACE_ID_LENGTH} characters`);
  }
}

/** Our workspace for a Flowise row, or undefined when nothing maps it. */
export function targetWorkspace(
  mapping: WorkspaceMapping,
  flowiseWorkspaceId: string | null,
): string | undefined {
  return (
    (flowiseWorkspaceId === null ? undefined : mapping.map.get(flowiseWorkspaceId)) ??
    mapping.fallback
  );
}

/** How a Flowise workspace is shown: rows of Flowise versions before workspaces have none. */
export function flowiseWorkspaceLabel(flowiseWorkspaceId: string | null): string {
  return flowiseWorkspaceId ?? '(none)';
}
