import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { normalizeMac } from '../../../../shared/mac';
import { MigrationError } from '../migration-error';
import { addMissingColumns, indexExists, tableExists } from '../schema-inspection';
import type { Migration } from './registry-types';

const COLUMNS: Record<string, string> = {
  name: 'VARCHAR(255) NULL',
  ip_address: 'VARCHAR(45) NULL',
  mac_address: 'VARCHAR(17) NULL',
  brand: 'VARCHAR(100) NULL',
  location: 'VARCHAR(255) NULL',
  total_rx_bytes: 'BIGINT UNSIGNED NOT NULL DEFAULT 0',
  total_tx_bytes: 'BIGINT UNSIGNED NOT NULL DEFAULT 0',
  last_bandwidth_update: 'DATETIME(3) NULL',
};

/**
 * Creates `routers`, or upgrades the older dashboard's table in place: adds the lifetime
 * totals, normalises MAC addresses and makes them unique so routers can be upserted by MAC.
 */
export const createRouters: Migration = {
  version: 1,
  name: 'create or upgrade routers',
  async up(db) {
    if (!(await tableExists(db, 'routers'))) {
      await db.query(`
        CREATE TABLE routers (
          id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          name VARCHAR(255) NOT NULL,
          ip_address VARCHAR(45) NULL,
          mac_address VARCHAR(17) NOT NULL,
          brand VARCHAR(100) NULL,
          location VARCHAR(255) NULL,
          total_rx_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
          total_tx_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
          last_bandwidth_update DATETIME(3) NULL,
          created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
          UNIQUE KEY uq_routers_mac_address (mac_address)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      return;
    }
    await db.query(
      'ALTER TABLE routers CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    );
    await addMissingColumns(db, 'routers', COLUMNS);
    await normaliseStoredMacs(db);
    if (!(await hasUniqueMacIndex(db))) {
      await db.query('ALTER TABLE routers ADD UNIQUE KEY uq_routers_mac_address (mac_address)');
    }
  },
};

async function normaliseStoredMacs(db: PoolConnection): Promise<void> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT id, mac_address FROM routers WHERE mac_address IS NOT NULL',
  );
  const changes = rows.flatMap((row) => {
    const normal = normalizeMac(row.mac_address);
    return normal !== null && normal !== row.mac_address ? [[row.id, normal] as const] : [];
  });
  const owners = new Map<string, number[]>();
  const finalMacs = new Map<number, string>(rows.map((row) => [row.id, String(row.mac_address)]));
  for (const [id, mac] of changes) finalMacs.set(id, mac);
  for (const [id, mac] of finalMacs) owners.set(mac, [...(owners.get(mac) ?? []), id]);
  const duplicates = [...owners].filter(([, ids]) => ids.length > 1);
  if (duplicates.length > 0) {
    const list = duplicates.map(([mac, ids]) => `${mac} (ids ${ids.join(', ')})`).join('; ');
    throw new MigrationError(
      `routers has several rows for the same MAC address: ${list}. Merge or delete the extra rows, then start again.`,
    );
  }
  for (const [id, mac] of changes) {
    await db.query('UPDATE routers SET mac_address = ? WHERE id = ?', [mac, id]);
  }
}

async function hasUniqueMacIndex(db: PoolConnection): Promise<boolean> {
  if (await indexExists(db, 'routers', 'uq_routers_mac_address')) return true;
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT INDEX_NAME FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'routers' AND NON_UNIQUE = 0
      GROUP BY INDEX_NAME HAVING COUNT(*) = 1 AND MAX(COLUMN_NAME) = 'mac_address'`,
  );
  return rows.length > 0;
}
