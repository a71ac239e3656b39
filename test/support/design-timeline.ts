// The original design's timeline for "Living Room AP", with "Bedroom AP" idling beside it.
export const LIVING_ROOM = { name: 'Living Room AP', mac: 'AA:BB:CC:DD:EE:01' };
export const BEDROOM = { name: 'Bedroom AP', mac: 'AA:BB:CC:DD:EE:02' };

const base = { brand: 'Ubiquiti', location: 'Home', xput_down: 120.5, xput_up: 30.2, latency: 4 };

/** Counters of Living Room AP at each of the five fetches: baseline, +1 MB/+500 KB, +2 MB/+1 MB, reboot, +500 KB/+300 KB. */
export const LIVING_ROOM_COUNTERS: ReadonlyArray<readonly [bigint, bigint]> = [
  [4_999_000_000n, 1_999_500_000n],
  [5_000_000_000n, 2_000_000_000n],
  [5_002_000_000n, 2_001_000_000n],
  [1_200_000n, 800_000n],
  [1_700_000n, 1_100_000n],
];

export function designPayload(step: number): unknown[] {
  const counters = LIVING_ROOM_COUNTERS[Math.min(step, LIVING_ROOM_COUNTERS.length - 1)];
  if (counters === undefined) throw new Error('empty timeline');
  return [
    { ...base, ...LIVING_ROOM, ip: '10.0.0.2', rx_bytes: counters[0], tx_bytes: counters[1] },
    { ...base, ...BEDROOM, ip: '10.0.0.3', rx_bytes: 3_000_000_000n, tx_bytes: 1_000_000_000n },
  ];
}
