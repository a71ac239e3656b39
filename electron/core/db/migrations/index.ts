import { createRouters } from './001-routers';
import { createBandwidthLogs } from './002-bandwidth-logs';
import { createBandwidthSnapshots } from './003-bandwidth-snapshots';
import { createRollupsAndBaselines } from './004-rollups-and-baselines';
import { addSnapshotGlitches } from './005-snapshot-glitches';
import { addRouterModels } from './006-router-models';
import { addReadingOrderAndSource } from './007-reading-order-and-source';
import { addCoveredSeconds } from './008-covered-seconds';
import { addCounterResets } from './009-counter-resets';
import { widenLegacyColumns } from './011-legacy-column-widths';
import { addRouterRolesAndSites } from './012-router-roles-and-sites';
import { createQuotasAndAlerts } from './013-quotas-and-alerts';
import type { Migration } from './registry-types';

export type { Migration } from './registry-types';

/** Every schema change, in the order it is applied. Append only: never renumber or edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  createRouters,
  createBandwidthLogs,
  createBandwidthSnapshots,
  createRollupsAndBaselines,
  addSnapshotGlitches,
  addRouterModels,
  addReadingOrderAndSource,
  addCoveredSeconds,
  addCounterResets,
  widenLegacyColumns,
  addRouterRolesAndSites,
  createQuotasAndAlerts,
];
