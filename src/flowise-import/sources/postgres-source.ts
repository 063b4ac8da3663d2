/**
 * Every row of Flowise's `credential` table in PostgreSQL. `pg` is loaded only here, so the
 * server never does. A schema other than `public` is chosen in the URL, as with any libpq client:
 * `?options=-c%20search_path%3Dflowise`.
 */
export async function readPostgresCredentials(url: string): Promise<Record<string, unknown>[]> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // Read-only by construction: one SELECT in a read-only transaction.
    await client.query('BEGIN TRANSACTION READ ONLY');
    const result = await client.query<Record<string, unknown>>('SELECT * FROM credential');
    await client.query('COMMIT');
    return result.rows;
  } finally {
    await client.end();
  }
}
