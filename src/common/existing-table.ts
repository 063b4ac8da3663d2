import { QueryRunner } from 'typeorm';
import { LEGACY_TABLE_NAMES } from '../core/legacy-table-names';

/**
 * The name under which a table exists right now: its own, or the one a database not yet migrated
 * still uses; undefined when neither exists (a new database).
 */
export async function existingTableName(
  runner: QueryRunner,
  tableName: string,
): Promise<string | undefined> {
  if (await runner.hasTable(tableName)) {
    return tableName;
  }
  const legacy = LEGACY_TABLE_NAMES[tableName];
  return legacy !== undefined && (await runner.hasTable(legacy)) ? legacy : undefined;
}
