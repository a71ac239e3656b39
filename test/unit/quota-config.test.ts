import { describe, expect, it } from 'vitest';
import { ConfigError, readCollectorConfig } from '../../electron/collector/config';

const read = (...args: string[]) =>
  readCollectorConfig(args, { HOME: '/home/test', TZ: 'Europe/Paris' });

describe('--quota', () => {
  it('is repeatable and counts days in the TZ of the collector', () => {
    const config = read('--quota', 'wan=1TB@15', '--quota', 'Office AP=20GB/day:down');
    expect(config?.quotas).toMatchObject([
      {
        target: 'wan',
        sizeBytes: 1_000_000_000_000n,
        period: { kind: 'month', billingDay: 15 },
        timeZone: 'Europe/Paris',
      },
      { target: 'Office AP', period: { kind: 'day' }, direction: 'down' },
    ]);
    expect(read()?.quotas).toEqual([]);
  });

  it('refuses a quota it cannot read, saying how to write one', () => {
    expect(() => read('--quota', 'wan=1TB@40')).toThrow(ConfigError);
    expect(() => read('--quota', 'wan')).toThrow(/TARGET=SIZE\[@DAY\]/);
  });

  it('--offline-polls takes a whole number of polls', () => {
    expect(read('--offline-polls', '5')?.offlinePolls).toBe(5);
    expect(read()?.offlinePolls).toBeUndefined();
    expect(() => read('--offline-polls', '0')).toThrow(/--offline-polls "0"/);
  });
});
