import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/**
 * A snapshot whose counters jumped faster than any link can carry is kept, flagged, with zero
 * diffs: the raw counters stay visible for diagnosis, nothing is counted.
 */
export const addSnapshotGlitches: Migration = {
  version: 5,
  name: 'flag glitched snapshots',
  async up(db) {
    await addMissingColumns(db, 'bandwidth_snapshots', {
      is_glitch: 'BOOLEAN NOT NULL DEFAULT FALSE',
    });
  },
};
