import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  DEFAULT_THRESHOLDS,
  type QuotaDefinition,
  type QuotaDirection,
  type QuotaPeriodKind,
  type StoredQuota,
} from '../../../shared/quota';

/** How many polls a router may be missing before it is announced offline, unless set. */
export const DEFAULT_OFFLINE_POLLS = 3;

function thresholdsOf(text: unknown): number[] {
  const values = String(text ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return values.length > 0 ? values.sort((a, b) => a - b) : [...DEFAULT_THRESHOLDS];
}

export async function loadQuotas(db: Pool): Promise<StoredQuota[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT id, target, size_bytes, period, billing_day, direction, time_zone, thresholds
       FROM quotas ORDER BY id`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    target: String(row.target),
    sizeBytes: BigInt(String(row.size_bytes)),
    period: { kind: row.period as QuotaPeriodKind, billingDay: Number(row.billing_day) },
    direction: row.direction as QuotaDirection,
    timeZone: String(row.time_zone),
    thresholds: thresholdsOf(row.thresholds),
  }));
}

/** Sets the quota of its target (one per target): a new size or period replaces the old one. */
export async function setQuota(db: Pool, quota: QuotaDefinition): Promise<number> {
  const [result] = await db.query<ResultSetHeader>(
    `INSERT INTO quotas (target, size_bytes, period, billing_day, direction, time_zone, thresholds)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), size_bytes = VALUES(size_bytes),
       period = VALUES(period), billing_day = VALUES(billing_day), direction = VALUES(direction),
       time_zone = VALUES(time_zone), thresholds = VALUES(thresholds)`,
    [
      quota.target,
      quota.sizeBytes.toString(),
      quota.period.kind,
      quota.period.billingDay,
      quota.direction,
      quota.timeZone,
      quota.thresholds.join(','),
    ],
  );
  return Number(result.insertId);
}

export async function deleteQuota(db: Pool, id: number): Promise<void> {
  await db.query('DELETE FROM quotas WHERE id = ?', [id]);
}

export async function loadOfflinePolls(db: Pool): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT offline_polls FROM alert_settings WHERE id = 1',
  );
  const value = Number(rows[0]?.offline_polls);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_OFFLINE_POLLS;
}

export async function setOfflinePolls(db: Pool, polls: number): Promise<void> {
  await db.query(
    `INSERT INTO alert_settings (id, offline_polls) VALUES (1, ?)
     ON DUPLICATE KEY UPDATE offline_polls = VALUES(offline_polls)`,
    [polls],
  );
}
