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

/** The statements up to the staged rows, as mysql2 sends them (`?` replaced by escaped text). */
function stagedSql(rows: CycleRow[]): string {
  const statements = writeCycle('cycle', rows, [], at);
  const staged = statements.findLastIndex((s) => s.sql.startsWith('INSERT INTO bt_cycle_rows'));
  if (staged < 0) throw new Error('no staged statement');
  return statements
    .slice(0, staged + 1)
    .map((s) => format(s.sql, s.values as string[]))
    .join(';\n');
}

describe('staged rows of a cycle', () => {
  it('writes numbers digit for digit and escapes the one text value through mysql2', () => {
    const other = tracked({ base: { copy: 'second-copy', sequence: 9_007_199_254_740_991 } });
    const sql = stagedSql([
      tracked(),
      { routerId: 8, throughput, tracked: null },
      { ...other, routerId: 9 },
      tracked({ base: null }),
    ]);
    // The base copies' ids are set once, escaped by mysql2; the rows name them.
    expect(sql).toContain(
      "SET @bt_copy0 = 'x\\',(1,1)-- ?', @bt_copy1 = 'second-copy', @bt_base_copy = 'x\\',(1,1)-- ?', @bt_base_sequence = 41, @bt_covered = 60;",
    );
    expect(sql).toContain(
      'VALUES (7,1,9007199254740993,5,1000000,0,0,1,3600,1000000,0,12.5,NULL,3,1,@bt_copy0,41,60,0)',
    );
    expect(sql).toContain(',(8,0,NULL,NULL,0,0,0,0,NULL,0,0,12.5,NULL,3,1,NULL,NULL,0,0)');
    expect(sql).toContain(',1,@bt_copy1,9007199254740991,60,0)');
    expect(sql).toContain(',3,1,NULL,NULL,60,0)');
  });

  it('leaves out of a row what it shares with the cycle: base, seconds covered, totals grown by the delta', () => {
    const usual = (routerId: number, base = { copy: 'me', sequence: 41 }) => ({
      ...tracked({ isGlitch: false, base }),
      routerId,
    });
    const firstSeen = { ...usual(4), tracked: { ...usual(4).tracked, addRxBytes: 5n } } as CycleRow;
    const sql = stagedSql([usual(1), usual(2), usual(3, { copy: 'me', sequence: 40 }), firstSeen]);
    expect(sql).toContain("@bt_base_copy = 'me', @bt_base_sequence = 41, @bt_covered = 60;");
    expect(sql).toContain(
      'VALUES (1,9007199254740993,5,1000000,0,3600,12.5,NULL,3),(2,9007199254740993,5,1000000,0,3600,12.5,NULL,3);',
    );
    // Measured from another reading, or growing the totals by more than the delta: every column.
    expect(sql).toContain(
      'VALUES (3,1,9007199254740993,5,1000000,0,0,0,3600,1000000,0,12.5,NULL,3,1,@bt_copy0,40,60,0)',
    );
    expect(sql).toContain(
      ',(4,1,9007199254740993,5,1000000,0,0,0,3600,5,0,12.5,NULL,3,1,@bt_copy0,41,60,0)',
    );
  });

  it('writes every integer digit for digit, also zero, powers of ten and the largest exact one', () => {
    const edges = [0, 1, 9, 10, 99, 100, 1_000_000, 99_999_999, 100_000_000, 100_000_007];
    for (const value of [...edges, 1_000_000_000_000_001, 2 ** 53 - 1, 123_456_789_012]) {
      const sql = stagedSql([tracked({ rxBytes: value as unknown as bigint, base: null })]);
      expect(sql).toContain(`VALUES (7,1,${value},5,`);
    }
    // Fractions, negatives and numbers past 2^53 keep their usual text.
    expect(stagedSql([tracked({ coveredSeconds: 0.5 })])).toContain(',0.5,0)');
    expect(stagedSql([tracked({ uptime: -3 })])).toContain(',-3,');
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
