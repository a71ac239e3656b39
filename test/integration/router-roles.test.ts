import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { loadEdgeSet, markRoles } from '../../electron/core/db/router-roles';
import { edgeSetOf } from '../../shared/router-role';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('router roles', () => {
  it('the edge set is the edge routers, the mark winning over the source, or every router when none is', () => {
    const r = (
      id: number,
      sourceRole: 'edge' | 'inside' | null,
      markedRole: 'edge' | 'inside' | null = null,
    ) => ({
      id,
      sourceRole,
      markedRole,
    });
    expect(edgeSetOf([r(1, null), r(2, null)])).toEqual({ ids: new Set([1, 2]), rule: 'all' });
    expect(edgeSetOf([r(1, 'edge'), r(2, 'inside')])).toEqual({
      ids: new Set([1]),
      rule: 'source',
    });
    expect(edgeSetOf([r(1, 'edge', 'inside'), r(2, 'inside', 'edge')])).toEqual({
      ids: new Set([2]),
      rule: 'marked',
    });
  });
});

describe('router roles in MySQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('marks by MAC or name, says which names match nothing, and clears', async () => {
    await db.pool.query(
      "INSERT INTO routers (mac_address, name, source_role) VALUES ('AA:00:00:00:00:01', 'Gateway', NULL), ('AA:00:00:00:00:02', 'Office AP', NULL)",
    );
    expect((await loadEdgeSet(db.pool)).rule).toBe('all');
    expect(
      await markRoles(db.pool, [
        { router: 'aa:00:00:00:00:01', role: 'edge' },
        { router: 'Nope', role: 'edge' },
      ]),
    ).toEqual(['Nope']);
    // Marking again with the same value still finds the router.
    expect(await markRoles(db.pool, [{ router: 'Gateway', role: 'edge' }])).toEqual([]);
    const edge = await loadEdgeSet(db.pool);
    expect(edge.rule).toBe('marked');
    expect(edge.ids.size).toBe(1);
    await markRoles(db.pool, [{ router: 'Gateway', role: null }]);
    expect((await loadEdgeSet(db.pool)).rule).toBe('all');
  });
});
