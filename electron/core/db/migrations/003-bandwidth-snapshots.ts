import { addMissingColumns, tableExists } from '../schema-inspection';
import type { Migration } from './registry-types';
import { routerIdType } from './router-id-type';

/**
 * One row per router per poll: the counters seen and the delta counted from them. The
 * busiest table: no foreign key, and one index that leads with the time so it grows at one
 * end (see bandwidth_logs for why not by router).
 */
export const createBandwidthSnapshots: Migration = {
  version: 3,
  name: 'create bandwidth_snapshots',
  async up(db) {
    if (!(await tableExists(db, 'bandwidth_snapshots'))) {
      await db.query(`
        CREATE TABLE bandwidth_snapshots (
          id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          router_id ${await routerIdType(db)} NOT NULL,
          rx_bytes_total BIGINT UNSIGNED NOT NULL,
          tx_bytes_total BIGINT UNSIGNED NOT NULL,
          rx_bytes_diff BIGINT UNSIGNED NOT NULL DEFAULT 0,
          tx_bytes_diff BIGINT UNSIGNED NOT NULL DEFAULT 0,
          is_reset BOOLEAN NOT NULL DEFAULT FALSE,
          uptime BIGINT UNSIGNED NULL,
          timestamp DATETIME(3) NOT NULL,
          KEY ix_bandwidth_snapshots_time_router (timestamp, router_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      return;
    }
    // A database from the Python tracker has the table without the reboot flag or uptime.
    await addMissingColumns(db, 'bandwidth_snapshots', {
      is_reset: 'BOOLEAN NOT NULL DEFAULT FALSE',
      uptime: 'BIGINT UNSIGNED NULL',
    });
  },
};
