import { addMissingColumns, indexExists, tableExists } from '../schema-inspection';
import type { Migration } from './registry-types';
import { routerIdType } from './router-id-type';

/**
 * The legacy throughput log, kept so the older dashboard's charts keep working. A row per
 * device per poll: one secondary index and no foreign key, because each one costs on every
 * row of every cycle (retention finds old rows by id, see retention.ts).
 */
export const createBandwidthLogs: Migration = {
  version: 2,
  name: 'create or upgrade bandwidth_logs',
  async up(db) {
    if (!(await tableExists(db, 'bandwidth_logs'))) {
      await db.query(`
        CREATE TABLE bandwidth_logs (
          id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          router_id ${await routerIdType(db)} NOT NULL,
          download_mbps DOUBLE NULL,
          upload_mbps DOUBLE NULL,
          latency_ms DOUBLE NULL,
          timestamp DATETIME(3) NOT NULL,
          KEY ix_bandwidth_logs_router_time (router_id, timestamp)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      return;
    }
    await addMissingColumns(db, 'bandwidth_logs', {
      download_mbps: 'DOUBLE NULL',
      upload_mbps: 'DOUBLE NULL',
      latency_ms: 'DOUBLE NULL',
      timestamp: 'DATETIME(3) NULL',
    });
    if (!(await indexExists(db, 'bandwidth_logs', 'ix_bandwidth_logs_router_time'))) {
      await db.query(
        'ALTER TABLE bandwidth_logs ADD KEY ix_bandwidth_logs_router_time (router_id, timestamp)',
      );
    }
  },
};
