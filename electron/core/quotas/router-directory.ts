import type { Pool, RowDataPacket } from 'mysql2/promise';
import { normalizeMac } from '../../../shared/mac';
import { edgeSetOf } from '../../../shared/router-role';
import type { RouterRole } from '../../../shared/types';

export interface KnownRouter {
  id: number;
  name: string;
  mac: string;
  site: string | null;
  edge: boolean;
}

export interface RouterDirectory {
  routers: KnownRouter[];
  /** No router is the edge: the internet is every router, as the headline counts it. */
  edgeIsEveryRouter: boolean;
}

/** Every stored router with what quota targets need; one query per cycle with quotas. */
export async function loadRouterDirectory(db: Pool): Promise<RouterDirectory> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, name, mac_address, site, source_role, marked_role FROM routers ORDER BY id',
  );
  const edge = edgeSetOf(
    rows.map((row) => ({
      id: Number(row.id),
      sourceRole: (row.source_role as RouterRole | null) ?? null,
      markedRole: (row.marked_role as RouterRole | null) ?? null,
    })),
  );
  return {
    routers: rows.map((row) => ({
      id: Number(row.id),
      name: String(row.name),
      mac: String(row.mac_address),
      site: (row.site as string | null) ?? null,
      edge: edge.ids.has(Number(row.id)),
    })),
    edgeIsEveryRouter: edge.rule === 'all',
  };
}

/**
 * The routers a quota counts: `wan`, the edge routers (every router when none is the edge, as
 * the headline); `wan@SITE`, the edge routers of that site; otherwise the router of that MAC
 * or name. Null for every router (read without a filter).
 */
export function routersOfTarget(
  target: string,
  directory: RouterDirectory,
): { ids: number[] | null; name: string | null } {
  if (target === 'wan') {
    return {
      ids: directory.edgeIsEveryRouter
        ? null
        : directory.routers.filter((r) => r.edge).map((r) => r.id),
      name: null,
    };
  }
  if (target.startsWith('wan@')) {
    const site = target.slice(4);
    return {
      ids: directory.routers.filter((r) => r.edge && r.site === site).map((r) => r.id),
      name: null,
    };
  }
  // `aa-bb-cc-dd-ee-01` and `AA:BB:CC:DD:EE:01` name the same router; a name is matched as written.
  const mac = normalizeMac(target);
  const router =
    (mac === null ? undefined : directory.routers.find((r) => r.mac === mac)) ??
    directory.routers.find((r) => r.name === target);
  return { ids: router === undefined ? [] : [router.id], name: router?.name ?? null };
}
