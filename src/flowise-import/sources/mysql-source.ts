/**
 * Every row of Flowise's `credential` table in MySQL or MariaDB. `mysql2` is an optional
 * dependency, loaded only here.
 */
export async function readMysqlCredentials(url: string): Promise<Record<string, unknown>[]> {
  let mysql: typeof import('mysql2/promise');
  try {
    mysql = await import('mysql2/promise');
  } catch {
    throw new Error(
      'Reading a MySQL database needs the optional package mysql2 (npm install mysql2)',
    );
  }
  const connection = await mysql.createConnection(url);
  try {
    await connection.query('START TRANSACTION READ ONLY');
    const [rows] = await connection.query('SELECT * FROM credential');
    await connection.query('COMMIT');
    return rows as Record<string, unknown>[];
  } finally {
    await connection.end();
  }
}
