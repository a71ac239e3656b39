import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../electron/core/rate-limit';

describe('RateLimit', () => {
  it('allows `limit` uses in any window, then says how long to wait', () => {
    let now = 0;
    const limit = new RateLimit(3, 60_000, () => now);
    expect([limit.take(), limit.take()]).toEqual([0, 0]);
    now = 20_000;
    expect(limit.take()).toBe(0);
    expect(limit.take()).toBe(40_000);
    now = 59_999;
    expect(limit.take()).toBe(1);
    // The first two uses leave the window at 60 s, the third at 80 s.
    now = 60_000;
    expect([limit.take(), limit.take(), limit.take()]).toEqual([0, 0, 20_000]);
  });
});
