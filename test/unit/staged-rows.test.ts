import { format } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { type CycleRow, writeCycle } from '../../electron/core/db/cycle-statements';
import { PoisonedCycleError } from '../../electron/core/dead-letter';

const at = new Date('2026-11-27T10:00:00Z');
const throughput = { downloadMbps: 12.5, uploadMbps: null, latencyMs: 3 };

function tracked(overrides: Partial<NonNullable<CycleRow['tracked']>> = {}): CycleRow {
  return {
    routerId: 7,
    throughput,
    tracked: {
      rxBytes: 9_007_199_254_740_993n,
      txBytes: 5,
      rxDiff: 1_000_000n,
      txDiff: 0,
      isReset: false,
      isGlitch: true,
      uptime: 3600,
      addRxBytes: 1_000_000n,
      addTxBytes: 0,
      base: { copy: "x',(1,1)-- ?", sequence: 41 },
      coveredSeconds: 60.0004,
      ...overrides,
    } as NonNullable<CycleRow['tracked']>,
  };
}

function stagedSql(rows: CycleRow[]): string {
  const [staged] = writeCycle('cycle', rows, [], at);
  if (staged === undefined) throw new Error('no staged statement');
  // As mysql2 sends it: the `?` of the base copy's id replaced by its escaped text.
  return format(staged.sql, staged.values as string[]);
}

describe('staged rows of a cycle', () => {
  it('writes numbers digit for digit and escapes the one text value through mysql2', () => {
    const sql = stagedSql([tracked(), { routerId: 8, throughput, tracked: null }]);
    expect(sql).toContain(
      "VALUES (7,1,9007199254740993,5,1000000,0,0,1,3600,1000000,0,12.5,NULL,3,'x\\',(1,1)-- ?',41,60,0)",
    );
    expect(sql).toContain(',(8,0,NULL,NULL,0,0,0,0,NULL,0,0,12.5,NULL,3,NULL,NULL,0,0)');
  });

  it('refuses a value that is not a number instead of writing it as SQL', () => {
    const smuggled = tracked({ rxBytes: '1); DROP TABLE routers; --' as unknown as bigint });
    expect(() => stagedSql([smuggled])).toThrow(PoisonedCycleError);
    const nan = { ...throughput, latencyMs: Number.NaN };
    expect(() => stagedSql([{ routerId: 1, throughput: nan, tracked: null }])).toThrow(
      /not a number \(NaN\)/,
    );
    // Out of a column's range but a number: written as mysql2 would, for the server to refuse.
    expect(stagedSql([tracked({ uptime: 1e30 })])).toContain(',1e+30,');
  });
});
