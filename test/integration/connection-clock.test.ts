import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the pool’s session clock', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('is UTC on every connection, so column defaults like created_at are UTC as the app reads them', async () => {
    const connections = await Promise.all([db.pool.getConnection(), db.pool.getConnection()]);
    try {
      for (const connection of connections) {
        const [rows] = await connection.query('SELECT @@session.time_zone AS zone');
        expect((rows as Array<{ zone: string }>)[0]?.zone).toBe('+00:00');
      }
    } finally {
      for (const connection of connections) connection.release();
    }
  });
});
