import type { PoolConnection, RowDataPacket } from 'mysql2/promise';

// MySQL 8 has no `ADD COLUMN IF NOT EXISTS`, so migrations look before they alter.

export async function tableExists(db: PoolConnection, table: string): Promise<boolean> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return rows.length > 0;
}

/** Column name → full column type (`int(11)`, `bigint(20) unsigned`, …). */
export async function columnTypes(db: PoolConnection, table: string): Promise<Map<string, string>> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return new Map(rows.map((row) => [String(row.name).toLowerCase(), String(row.type)]));
}

export async function indexExists(
  db: PoolConnection,
  table: string,
  index: string,
): Promise<boolean> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?',
    [table, index],
  );
  return rows.length > 0;
}

/**
 * Adds each missing column. `definitions` maps a column name to the SQL after it
 * (`BIGINT UNSIGNED NOT NULL DEFAULT 0`); existing columns and their data are left alone.
 */
export async function addMissingColumns(
  db: PoolConnection,
  table: string,
  definitions: Record<string, string>,
): Promise<string[]> {
  const existing = await columnTypes(db, table);
  const missing = Object.keys(definitions).filter((name) => !existing.has(name.toLowerCase()));
  if (missing.length > 0) {
    const clauses = missing.map((name) => `ADD COLUMN ${db.escapeId(name)} ${definitions[name]}`);
    await db.query(`ALTER TABLE ${db.escapeId(table)} ${clauses.join(', ')}`);
  }
  return missing;
}
