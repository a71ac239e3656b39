import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrate';
import { fillDemoHistory } from '../../electron/core/demo-history';
import { AlertWatch } from '../../electron/core/quotas/alert-watch';
import { ensureDemoQuota } from '../../electron/core/quotas/demo-quota';
import { loadQuotas, setQuota } from '../../electron/core/quotas/quota-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterEach(async () => {
  await db.drop();
});

it('the demo gets an internet quota whose forecast is close to, and under, its size', async () => {
  const now = new Date('2026-11-20T12:00:00Z');
  await fillDemoHistory(db.pool, { now, days: 45, log: () => {} });
  const lines: string[] = [];
  await ensureDemoQuota(db.pool, now, (l) => lines.push(l));
  const [quota] = await loadQuotas(db.pool);
  expect(quota).toMatchObject({ target: 'wan', period: { kind: 'month', billingDay: 1 } });
  expect(lines).toEqual([
    expect.stringMatching(/^📦 Demo: a [\d.]+ [GT]B monthly quota on the internet traffic/),
  ]);
  const [view] = await new AlertWatch(() => {}).quotaViews(db.pool, now);
  const share =
    Number((BigInt(view?.forecastBytes ?? '0') * 1000n) / BigInt(view?.sizeBytes ?? '1')) / 10;
  // A realistic forecast: the office's usual month, a little under its cap.
  expect(share).toBeGreaterThan(60);
  expect(share).toBeLessThan(100);
  expect(BigInt(view?.usedBytes ?? '0')).toBeGreaterThan(0n);

  // An admin's own quota is never replaced by the demo's.
  await setQuota(db.pool, { ...(quota as NonNullable<typeof quota>), sizeBytes: 1n });
  await ensureDemoQuota(db.pool, now, () => {});
  expect((await loadQuotas(db.pool)).map((q) => q.sizeBytes)).toEqual([1n]);
});
