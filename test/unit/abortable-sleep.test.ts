import { describe, expect, it } from 'vitest';
import { abortableSleep } from '../../electron/core/poller';

describe('abortableSleep', () => {
  it('waits past Node’s timer limit instead of firing at once, and still ends on abort', async () => {
    const stop = new AbortController();
    let done = false;
    // Node turns a setTimeout above 2^31 − 1 ms into 1 ms: that was the 429 request storm.
    const sleeping = abortableSleep(2 ** 31 + 5_000, stop.signal).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(done).toBe(false);
    stop.abort();
    await sleeping;
    expect(done).toBe(true);
  });

  it('treats an endless wait as the longest one, not as none', async () => {
    const stop = new AbortController();
    let done = false;
    const sleeping = abortableSleep(Number.POSITIVE_INFINITY, stop.signal).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    stop.abort();
    await sleeping;
  });
});
