import type { Pool, RowDataPacket } from 'mysql2/promise';
import { workstationTimeZone } from '../../../shared/quota';
import { formatBytes } from '../../../shared/units';
import { loadEdgeSet } from '../db/router-roles';
import { loadQuotas, setQuota } from './quota-store';

const DAY_MS = 86_400_000;
const GB = 1_000_000_000n;

/**
 * The demo's internet quota, set once on a demo database that has none: sized from its own
 * last 30 days (a tenth above, rounded up to 50 GB), so its bar and forecast look like an
 * office that watches its plan, close to the cap but not over it.
 */
export async function ensureDemoQuota(
  db: Pool,
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  if ((await loadQuotas(db)).length > 0) return;
  // The internet traffic, as the quota counts it: the edge routers' (the demo's gateway).
  const edge = [...(await loadEdgeSet(db)).ids];
  if (edge.length === 0) return;
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT CAST(COALESCE(SUM(rx_bytes + tx_bytes), 0) AS CHAR) AS bytes
       FROM bandwidth_hourly WHERE hour_start >= ? AND router_id IN (?)`,
    [new Date(now.getTime() - 30 * DAY_MS), edge],
  );
  const lastMonth = BigInt(String(rows[0]?.bytes ?? '0'));
  const step = 50n * GB;
  const size = (((lastMonth * 11n) / 10n + step - 1n) / step) * step || step;
  await setQuota(db, {
    target: 'wan',
    sizeBytes: size,
    period: { kind: 'month', billingDay: 1 },
    direction: 'both',
    timeZone: workstationTimeZone(),
    thresholds: [80, 90, 100],
  });
  log(
    `📦 Demo: a ${formatBytes(size)} monthly quota on the internet traffic, to show the quota bar and its forecast.`,
  );
}
