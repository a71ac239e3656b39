import type { PoolConnection } from 'mysql2/promise';
import { columnTypes } from '../schema-inspection';

/** A foreign key must match `routers.id` exactly, and an older dashboard may have chosen another type. */
export async function routerIdType(db: PoolConnection): Promise<string> {
  return (await columnTypes(db, 'routers')).get('id') ?? 'INT';
}
