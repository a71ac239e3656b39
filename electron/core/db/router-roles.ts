import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type EdgeSet, edgeSetOf, type RoleOfRouter } from '../../../shared/router-role';
import type { RouterRole } from '../../../shared/types';

/** Every router's roles, for `edgeSetOf`. One small query (one row per router). */
export async function loadRoles(db: Pool): Promise<RoleOfRouter[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, source_role, marked_role FROM routers ORDER BY id',
  );
  return rows.map((row) => ({
    id: Number(row.id),
    sourceRole: (row.source_role as RouterRole | null) ?? null,
    markedRole: (row.marked_role as RouterRole | null) ?? null,
  }));
}

/** The routers whose traffic is the internet usage, as stored now. */
export async function loadEdgeSet(db: Pool): Promise<EdgeSet> {
  return edgeSetOf(await loadRoles(db));
}

/**
 * The admin's mark for the routers named (MAC or exact name), or null to clear it. Returns the
 * names that matched no router, so the caller can say which ones it could not find.
 */
export async function markRoles(
  db: Pool,
  marks: ReadonlyArray<{ router: string; role: RouterRole | null }>,
): Promise<string[]> {
  const unknown: string[] = [];
  for (const { router, role } of marks) {
    const [result] = await db.query<ResultSetHeader>(
      'UPDATE routers SET marked_role = ? WHERE mac_address = ? OR name = ?',
      [role, router.toUpperCase(), router],
    );
    if (result.affectedRows === 0 && result.changedRows === 0) unknown.push(router);
  }
  return unknown;
}

/** The admin's mark for one router by id (Settings); false when no such router is stored. */
export async function markRouterById(
  db: Pool,
  routerId: number,
  role: RouterRole | null,
): Promise<boolean> {
  const [result] = await db.query<ResultSetHeader>(
    'UPDATE routers SET marked_role = ? WHERE id = ?',
    [role, routerId],
  );
  return result.affectedRows > 0;
}
