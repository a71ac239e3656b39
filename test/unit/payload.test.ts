import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasSixteenDigits, parseJsonExact } from '../../electron/core/exact-json';
import { PayloadError, parseDevicePayload, ReadingMemory } from '../../electron/core/payload';

const device = (overrides: Record<string, unknown> = {}) => ({
  name: 'Living Room AP',
  mac: 'aa:bb:cc:dd:ee:01',
  ip: '10.0.0.2',
  brand: 'Ubiquiti',
  location: 'Living room',
  xput_down: 120.5,
  xput_up: 30.2,
  latency: 3,
  rx_bytes: 5_000_000_000,
  tx_bytes: 2_000_000_000,
  ...overrides,
});

describe('parseDevicePayload', () => {
  it('reads the design payload and normalises the MAC', () => {
    const { devices, problems } = parseDevicePayload([device()]);
    expect(problems).toEqual([]);
    expect(devices).toEqual([
      {
        identity: {
          mac: 'AA:BB:CC:DD:EE:01',
          name: 'Living Room AP',
          ip: '10.0.0.2',
          brand: 'Ubiquiti',
          location: 'Living room',
          model: null,
        },
        counters: { rxBytes: 5_000_000_000n, txBytes: 2_000_000_000n, uptime: null },
        throughput: { downloadMbps: 120.5, uploadMbps: 30.2, latencyMs: 3 },
        rates: null,
      },
    ]);
  });

  it('keeps the live rates a source measured, unless they are past any real link', () => {
    const rates = (rx: unknown, tx: unknown) =>
      parseDevicePayload([device({ 'rx_bytes-r': rx, 'tx_bytes-r': tx })]).devices[0]?.rates;
    expect(rates(125_000, 25_000)).toEqual({ rxBytesPerSecond: 125_000, txBytesPerSecond: 25_000 });
    // 1e308 × 8 bits is Infinity, which would reach the pages as null.
    expect(rates(1e308, 25_000)).toBeNull();
    expect(rates(125_000, 1.7e308)).toBeNull();
  });

  it('accepts numeric strings for counters and figures, and reads uptime', () => {
    const { devices } = parseDevicePayload([
      device({ rx_bytes: '12', tx_bytes: ' 34 ', xput_down: '1.5', latency: '', uptime: '3600' }),
    ]);
    expect(devices[0]?.counters).toEqual({ rxBytes: 12n, txBytes: 34n, uptime: 3600 });
    expect(devices[0]?.throughput).toEqual({
      downloadMbps: 1.5,
      uploadMbps: 30.2,
      latencyMs: null,
    });
  });

  it.each([
    [{ rx_bytes: undefined }, 'rx_bytes is missing'],
    [{ tx_bytes: null }, 'tx_bytes is missing'],
    [{ rx_bytes: -1 }, 'rx_bytes is negative'],
    [{ tx_bytes: '-5' }, 'tx_bytes is negative'],
    [{ rx_bytes: -0 }, 'rx_bytes is negative (-0)'],
    [{ tx_bytes: '-0' }, 'tx_bytes is negative (-0)'],
    [{ rx_bytes: 1.5 }, 'rx_bytes is not an integer'],
    [{ rx_bytes: 'lots' }, 'rx_bytes is not an integer'],
    [{ rx_bytes: true }, 'rx_bytes is not a number'],
    [{ tx_bytes: 2 ** 60 }, 'tx_bytes is too large to be exact'],
    [{ rx_bytes: '9223372036854775808' }, 'rx_bytes is absurdly large'],
    [{ rx_bytes: Number.NaN }, 'rx_bytes is not an integer'],
  ])('keeps a device with bad counters %j for the upsert but does not track it', (bad, reason) => {
    const { devices, problems } = parseDevicePayload([
      device(bad),
      device({ mac: 'AA:BB:CC:DD:EE:02', name: 'Other' }),
    ]);
    expect(devices).toHaveLength(2);
    expect(devices[0]?.counters).toBeNull();
    expect(devices[0]?.identity.mac).toBe('AA:BB:CC:DD:EE:01');
    expect(devices[1]?.counters).not.toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.device).toBe('Living Room AP');
    expect(problems[0]?.reason).toContain(reason);
  });

  it('skips a device without a usable MAC entirely and names it', () => {
    const { devices, problems } = parseDevicePayload([
      device({ mac: undefined, name: 'No MAC' }),
      device({ mac: 'not-a-mac', name: 'Bad MAC' }),
      'junk',
      device({ mac: 'AA-BB-CC-DD-EE-09' }),
    ]);
    expect(devices.map((d) => d.identity.mac)).toEqual(['AA:BB:CC:DD:EE:09']);
    expect(problems).toEqual([
      { device: 'No MAC', reason: 'has no MAC address' },
      { device: 'Bad MAC', reason: 'has an invalid MAC address ("not-a-mac")' },
      { device: 'device #3', reason: 'is a string, not an object' },
    ]);
  });

  it('folds a device listed twice, identically, into one', () => {
    const { devices, problems, collisions } = parseDevicePayload([
      device({ rx_bytes: 1 }),
      device({ mac: 'aabbccddee01', rx_bytes: '1' }),
    ]);
    expect(devices).toHaveLength(1);
    expect(devices[0]?.counters?.rxBytes).toBe(1n);
    expect(problems).toEqual([]);
    expect(collisions).toEqual([]);
  });

  it('counts neither of two different devices claiming one MAC, and names both once', () => {
    const { devices, problems, collisions } = parseDevicePayload([
      device({ name: 'Kitchen AP', rx_bytes: 1 }),
      device({ name: 'Other', mac: '02:00:00:00:00:09' }),
      device({ name: 'Clone AP', mac: 'aabbccddee01', rx_bytes: 500 }),
      device({ name: 'Kitchen AP', rx_bytes: 1 }),
    ]);
    expect(devices.map((d) => d.identity.name)).toEqual(['Other']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.device).toBe('MAC AA:BB:CC:DD:EE:01');
    expect(problems[0]?.reason).toContain('"Kitchen AP" and "Clone AP" and "Kitchen AP"');
    expect(collisions).toEqual([
      expect.stringMatching(/^MAC AA:BB:CC:DD:EE:01 is claimed by 3 different devices/),
    ]);
  });

  it('gives the last poll its identities again while unchanged, and new ones for what changed', () => {
    const memory = new ReadingMemory();
    const poll = (devices: Record<string, unknown>[]) =>
      parseDevicePayload(devices, {}, memory).devices;
    const first = poll([device(), device({ name: 'Garage', mac: '02:00:00:00:00:02' })]);
    // Fresh strings, as every JSON.parse makes them: the same text is the same identity.
    const again = poll(
      JSON.parse(JSON.stringify([device(), device({ name: 'Garage', mac: '02:00:00:00:00:02' })])),
    );
    expect(again[0]?.identity).toBe(first[0]?.identity);
    expect(again[1]?.identity).toBe(first[1]?.identity);
    // Counters and throughput are this poll's own.
    expect(again[0]?.counters).not.toBe(first[0]?.counters);
    const renamed = poll([
      device({ name: 'Lounge AP' }),
      device({ name: 'Garage', mac: '02:00:00:00:00:02', ip: '10.0.0.9' }),
    ]);
    expect(renamed[0]?.identity).not.toBe(first[0]?.identity);
    expect(renamed[0]?.identity).toEqual({ ...first[0]?.identity, name: 'Lounge AP' });
    expect(renamed[1]?.identity).toEqual({ ...first[1]?.identity, ip: '10.0.0.9' });
    expect(first[0]?.identity.name).toBe('Living Room AP');
    // The renamed one is what the next poll is compared with.
    expect(poll([device({ name: 'Lounge AP' })])[0]?.identity).toBe(renamed[0]?.identity);
  });

  it('with a memory, finds a MAC listed twice in one poll, never one listed in two polls', () => {
    const memory = new ReadingMemory();
    for (let i = 0; i < 3; i += 1) {
      const { devices, collisions } = parseDevicePayload(
        [device({ rx_bytes: i }), device({ name: 'Other', mac: '02:00:00:00:00:09' })],
        {},
        memory,
      );
      expect(devices).toHaveLength(2);
      expect(collisions).toEqual([]);
    }
    const { devices, collisions, problems } = parseDevicePayload(
      [
        device({ name: 'Other', mac: '02:00:00:00:00:09' }),
        device({ name: 'Kitchen AP', rx_bytes: 1 }),
        device({ name: 'Clone AP', mac: 'aabbccddee01', rx_bytes: 500 }),
      ],
      {},
      memory,
    );
    expect(devices.map((d) => d.identity.name)).toEqual(['Other']);
    expect(collisions).toEqual([
      expect.stringMatching(/^MAC AA:BB:CC:DD:EE:01 is claimed by 2 different devices/),
    ]);
    expect(problems[0]?.reason).toContain('"Kitchen AP" and "Clone AP"');
  });

  it('forgets MACs gone for good once they outnumber the listed ones', () => {
    const memory = new ReadingMemory();
    const many = (from: number) =>
      Array.from({ length: 1_500 }, (_, i) =>
        device({
          name: `AP ${from + i}`,
          mac: `02:00:00:00:${((from + i) >> 8).toString(16).padStart(2, '0')}:${((from + i) & 255).toString(16).padStart(2, '0')}`,
        }),
      );
    const first = parseDevicePayload(many(0), {}, memory).devices;
    parseDevicePayload(many(2_000), {}, memory);
    parseDevicePayload(many(4_000), {}, memory);
    // 4,500 MACs seen, 1,500 listed: past twice the listed and 1,000, the unlisted ones go.
    expect(memory.entry('02:00:00:00:00:00')).toBeUndefined();
    expect(memory.entry('02:00:00:00:0F:A0')?.identity.name).toBe('AP 4000');
    // One gone and back is a new identity, equal to the old.
    const back = parseDevicePayload(many(0), {}, memory).devices;
    expect(back[0]?.identity).not.toBe(first[0]?.identity);
    expect(back[0]?.identity).toEqual(first[0]?.identity);
  });

  it('keeps uptime only within what the column holds exactly; past it the device is not tracked', () => {
    const { devices, problems } = parseDevicePayload([
      device({ name: 'a', mac: '02:00:00:00:00:01', uptime: '1e30' }),
      device({ name: 'b', mac: '02:00:00:00:00:02', uptime: 2 ** 53 }),
      device({ name: 'c', mac: '02:00:00:00:00:03', uptime: 2 ** 53 - 1 }),
      device({ name: 'd', mac: '02:00:00:00:00:04', uptime: -5 }),
    ]);
    expect(devices.map((d) => (d.counters === null ? 'untracked' : d.counters.uptime))).toEqual([
      'untracked',
      'untracked',
      2 ** 53 - 1,
      null,
    ]);
    expect(problems.map((p) => p.reason)).toEqual([
      'uptime is out of range (1e30); not tracked this cycle',
      'uptime is out of range (9007199254740992); not tracked this cycle',
    ]);
  });

  it('skips only the device with data nested 5,000 levels deep', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const text = `[{"name":"Deep","mac":"02:00:00:00:00:01","rx_bytes":1,"tx_bytes":1,"extra":${deep}},
      {"name":"Fine","mac":"02:00:00:00:00:02","rx_bytes":1234567890123456789,"tx_bytes":2}]`;
    const { devices, problems } = parseDevicePayload(parseJsonExact(text));
    expect(devices.map((d) => d.identity.name)).toEqual(['Fine']);
    expect(problems).toEqual([
      { device: 'Deep', reason: expect.stringContaining('nested more than 64 levels deep') },
    ]);
  });

  it('names an unnamed device by its MAC and keeps names verbatim', () => {
    const odd = `Bob's "AP"; DROP TABLE routers; -- <b>📡</b>`;
    const { devices } = parseDevicePayload([
      device({ name: undefined }),
      device({ mac: 'AA:BB:CC:DD:EE:02', name: odd }),
    ]);
    expect(devices[0]?.identity.name).toBe('AA:BB:CC:DD:EE:01');
    expect(devices[1]?.identity.name).toBe(odd);
  });

  it.each([[{}], [null], ['[]'], [42]])('rejects a body that is not an array: %j', (body) => {
    expect(() => parseDevicePayload(body)).toThrow(PayloadError);
  });
});

describe('parseJsonExact', () => {
  it('keeps integers above 2^53 digit for digit', () => {
    const body = parseJsonExact(
      '[{"mac":"AA:BB:CC:DD:EE:01","rx_bytes":9007199254740993,"tx_bytes":9223372036854775807}]',
    );
    const { devices } = parseDevicePayload(body);
    expect(devices[0]?.counters).toEqual({
      rxBytes: 9_007_199_254_740_993n,
      txBytes: 9_223_372_036_854_775_807n,
      uptime: null,
    });
  });

  it('leaves strings, small numbers and decimals alone', () => {
    expect(
      parseJsonExact(
        '{"a":"12345678901234567890","b":12,"c":1.25,"d":-3e2,"e":"x\\"1234567890123456789"}',
      ),
    ).toEqual({
      a: '12345678901234567890',
      b: 12,
      c: 1.25,
      d: -300,
      e: 'x"1234567890123456789',
    });
  });

  it('finds a 16-digit integer wherever it sits, and takes the one-walk path only without one', () => {
    // The largest exact integer and the first rounded one: 2^53 - 1 has 16 digits too.
    const text = (value: string) => `[{"mac":"AA:BB:CC:DD:EE:01","n":[1,{"deep":${value}}]}]`;
    expect(parseJsonExact(text('9007199254740993'))).toEqual([
      { mac: 'AA:BB:CC:DD:EE:01', n: [1, { deep: '9007199254740993' }] },
    ]);
    expect(parseJsonExact(text('9007199254740991'))).toEqual(JSON.parse(text('9007199254740991')));
    expect(parseJsonExact(text('999999999999999'))).toEqual(JSON.parse(text('999999999999999')));
  });

  it('finds a run of 16 digits exactly where a regular expression does, at any position', () => {
    // Runs of 14 to 18 digits between other characters, from the first character to the last.
    const piece = fc.oneof(
      fc.integer({ min: 0, max: 18 }).map((n) => '7'.repeat(n)),
      fc.constantFrom('"', ',', ':', '.', 'a', '-', ' ', 'é', '📊'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(hasSixteenDigits(text)).toBe(/\d{16}/.test(text));
      }),
      { numRuns: 2_000 },
    );
    for (let at = 0; at < 40; at += 1) {
      const text = `${'x'.repeat(at)}${'1'.repeat(16)}${'y'.repeat(40 - at)}`;
      expect(hasSixteenDigits(text)).toBe(true);
      expect(hasSixteenDigits(text.replace('1', 'z'))).toBe(false);
    }
    expect(hasSixteenDigits('')).toBe(false);
    expect(hasSixteenDigits('1'.repeat(16))).toBe(true);
    expect(hasSixteenDigits(`${'1'.repeat(15)},${'1'.repeat(15)}`)).toBe(false);
  });

  it('still rejects text that is not JSON', () => {
    expect(() => parseJsonExact('<html>')).toThrow();
    expect(() => parseJsonExact('[{"a": 1')).toThrow();
  });
});
