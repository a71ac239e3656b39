import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/** The hardware model UniFi controllers report (`U6-Pro`, `UDMPRO`); null for other sources. */
export const addRouterModels: Migration = {
  version: 6,
  name: 'add router models',
  async up(db) {
    await addMissingColumns(db, 'routers', { model: 'VARCHAR(100) NULL' });
  },
};
