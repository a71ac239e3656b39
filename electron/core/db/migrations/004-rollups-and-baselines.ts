import { addMissingColumns, tableExists } from '../schema-inspection';
import type { Migration } from './registry-types';
import { routerIdType } from './router-id-type';

/**
 * History at scale: hourly, daily and monthly rollups per router (UTC buckets), the last counters of
 * each router kept on its row (so raw snapshots can be pruned without losing the baseline),
 * and the identity of every recorded cycle (so a replayed cycle cannot count twice).
 */
export const createRollupsAndBaselines: Migration = {
  version: 4,
  name: 'add rollups, router baselines and cycle identities',
  async up(db) {
    const idType = await routerIdType(db);
    for (const [table, bucket] of [
      ['bandwidth_hourly', 'hour_start DATETIME NOT NULL'],
      ['bandwidth_daily', 'day DATE NOT NULL'],
      ['bandwidth_monthly', 'month DATE NOT NULL'],
    ] as const) {
      if (await tableExists(db, table)) continue;
      const bucketColumn = bucket.split(' ')[0];
      // Clustered by bucket first: "all routers over a range" is one contiguous scan.
      await db.query(`
        CREATE TABLE ${table} (
          ${bucket},
          router_id ${idType} NOT NULL,
          rx_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
          tx_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
          resets INT UNSIGNED NOT NULL DEFAULT 0,
          samples INT UNSIGNED NOT NULL DEFAULT 0,
          PRIMARY KEY (${bucketColumn}, router_id),
          KEY ix_${table}_router (router_id, ${bucketColumn}),
          CONSTRAINT fk_${table}_router FOREIGN KEY (router_id) REFERENCES routers (id) ON DELETE CASCADE
        ) ENGINE=InnoDB`);
    }
    if (!(await tableExists(db, 'poll_cycles'))) {
      await db.query(`
        CREATE TABLE poll_cycles (
          id CHAR(36) NOT NULL PRIMARY KEY,
          recorded_at DATETIME(3) NOT NULL,
          KEY ix_poll_cycles_time (recorded_at)
        ) ENGINE=InnoDB`);
    }
    if (!(await tableExists(db, 'rollup_state'))) {
      // daily_through: hours before it are in the daily and monthly rollups (cycles fold
      // finished hours in);
      // backfill_*: the snapshots from before this migration still to be folded into the rollups.
      await db.query(`
        CREATE TABLE rollup_state (
          id TINYINT NOT NULL PRIMARY KEY,
          daily_through DATETIME NOT NULL,
          backfill_next_id BIGINT NOT NULL,
          backfill_last_id BIGINT NOT NULL
        ) ENGINE=InnoDB`);
      await db.query(
        `INSERT INTO rollup_state (id, daily_through, backfill_next_id, backfill_last_id)
         SELECT 1, DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00'), COALESCE(MIN(id), 1), COALESCE(MAX(id), 0)
           FROM bandwidth_snapshots`,
      );
    }
    const added = await addMissingColumns(db, 'routers', {
      last_rx_bytes: 'BIGINT UNSIGNED NULL',
      last_tx_bytes: 'BIGINT UNSIGNED NULL',
      last_uptime: 'BIGINT UNSIGNED NULL',
    });
    if (added.length > 0) {
      await db.query(`
        UPDATE routers r
          JOIN bandwidth_snapshots s
            ON s.id = (SELECT MAX(latest.id) FROM bandwidth_snapshots latest WHERE latest.router_id = r.id)
           SET r.last_rx_bytes = s.rx_bytes_total, r.last_tx_bytes = s.tx_bytes_total,
               r.last_uptime = s.uptime, r.last_bandwidth_update = s.timestamp`);
    }
  },
};
