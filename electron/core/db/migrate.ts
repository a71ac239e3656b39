import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { MigrationError } from './migration-error';
import { MIGRATIONS, type Migration } from './migrations';

// Two copies starting together must not run the same ALTER twice.
const LOCK_NAME = 'bandwidth_tracker.migrations';
const LOCK_WAIT_SECONDS = 60;

export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous !== undefined && migration.version <= previous.version) {
      throw new MigrationError(
        `migration ${migration.version} (${migration.name}) is not after ${previous.version}: the registry must be strictly increasing`,
      );
    }
  });
}

/** Applies every pending migration and returns the versions it applied. */
export async function migrate(
  pool: Pool,
  log: (line: string) => void = () => {},
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  assertOrdered(migrations);
  const db = await pool.getConnection();
  try {
    const [[lock]] = await db.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [
      LOCK_NAME,
      LOCK_WAIT_SECONDS,
    ]);
    if (lock?.acquired !== 1) {
      throw new MigrationError(
        `another copy of Bandwidth Tracker has been migrating this database for over ${LOCK_WAIT_SECONDS} s; wait for it to finish, then start again`,
      );
    }
    try {
      return await applyPending(db, migrations, log);
    } finally {
      await db.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    db.release();
  }
}

async function applyPending(
  db: PoolConnection,
  migrations: readonly Migration[],
  log: (line: string) => void,
): Promise<number[]> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INT NOT NULL PRIMARY KEY,
      name VARCHAR(255) NOT NULL,
      applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  const [rows] = await db.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => Number(row.version)));
  const newest = Math.max(0, ...applied);
  const known = migrations.at(-1)?.version ?? 0;
  if (newest > known) {
    throw new MigrationError(
      `the database uses schema version ${newest}, newer than this app knows (${known}): update Bandwidth Tracker, or point it at another database`,
    );
  }
  const done: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const label = `${String(migration.version).padStart(3, '0')} ${migration.name}`;
    log(`🗄️  Migrating database: ${label}`);
    await migration.up(db);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [
      migration.version,
      migration.name,
    ]);
    done.push(migration.version);
  }
  return done;
}
