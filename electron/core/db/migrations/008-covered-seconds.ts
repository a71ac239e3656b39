import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/**
 * Seconds covered by the polls whose traffic a rollup row counts, so an average rate is
 * bytes ÷ the time actually measured, not ÷ the whole bucket (the current hour, the hour
 * monitoring began). Rows from before this migration keep 0: the chart falls back to the
 * bucket's length for them.
 */
export const addCoveredSeconds: Migration = {
  version: 8,
  name: 'add covered seconds to the rollups',
  async up(db) {
    for (const table of ['bandwidth_hourly', 'bandwidth_daily', 'bandwidth_monthly']) {
      await addMissingColumns(db, table, {
        covered_seconds: 'DECIMAL(15,3) UNSIGNED NOT NULL DEFAULT 0',
      });
    }
  },
};
