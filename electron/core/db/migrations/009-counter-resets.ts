import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/**
 * Flags the snapshots whose counters went back while the device stayed up (its uptime kept
 * growing): a counter restart (a UniFi controller restart resets an access point's counters)
 * or a 32-bit wrap. Unlike `is_reset` (a reboot) their traffic since is counted. Older rows
 * keep 0: before this version such a drop was recorded as a reboot.
 */
export const addCounterResets: Migration = {
  version: 9,
  name: 'flag counter restarts in snapshots',
  async up(db) {
    await addMissingColumns(db, 'bandwidth_snapshots', {
      is_counter_reset: 'BOOLEAN NOT NULL DEFAULT FALSE',
    });
  },
};
