/** A workspace id as tokens name it: a non-empty string that fits its column. */
export function isWorkspaceId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 255;
}

export const WORKSPACE_ID_RULE = 'workspaceId must be a non-empty string of at most 255 characters';
