// The popover's kept order: rows stay where they were when it opened; new routers by name after.
import { describe, expect, it } from 'vitest';
import { byCurrentRate, inOrder } from '../../renderer/popover/router-order';
import type { RouterLive } from '../../shared/ipc-contract';

const router = (id: number, name: string, rate: number) =>
  ({ id, name, rxMbps: rate, txMbps: 0 }) as RouterLive;

describe('router order', () => {
  it('sorts busiest first, ties by name as localeCompare does', () => {
    const routers = [router(1, 'b', 1), router(2, 'a', 1), router(3, 'Ä', 1), router(4, 'z', 5)];
    const sorted = [...routers].sort(byCurrentRate).map((r) => r.name);
    const expected = ['z', ...['b', 'a', 'Ä'].sort((x, y) => x.localeCompare(y))];
    expect(sorted).toEqual(expected);
  });

  it('keeps the order taken, drops the routers gone, adds the new ones by name at the end', () => {
    const now = [
      router(1, 'one', 9),
      router(5, 'zeta', 0),
      router(2, 'two', 0),
      router(6, 'alpha', 3),
      router(3, 'three', 0),
    ];
    // Taken when 4 was still there, busiest 3 first.
    const kept = inOrder(now, [3, 4, 2, 1]).map((r) => r.id);
    expect(kept).toEqual([3, 2, 1, 6, 5]);
  });
});
