import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/**
 * With each router's last counters: which copy wrote them and where they sit in that copy's
 * polls (a clock step cannot reorder a sequence, so replays are ordered by it), and which
 * source they came from (counters from another source cannot continue the series).
 */
export const addReadingOrderAndSource: Migration = {
  version: 7,
  name: 'add the order and source of each router’s last counters',
  async up(db) {
    await addMissingColumns(db, 'routers', {
      last_copy: 'CHAR(36) NULL',
      last_sequence: 'BIGINT UNSIGNED NULL',
      counter_source: 'VARCHAR(255) NULL',
    });
  },
};
