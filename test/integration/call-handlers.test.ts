import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announcedRebootsFile } from '../../electron/core/announced-reboots-file';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import {
  CERTIFICATE_CHECKS_PER_MINUTE,
  createCallHandlers,
  DATABASE_TESTS_PER_MINUTE,
  type ShellActions,
  toServiceSettings,
} from '../../electron/core/call-handlers';
import {
  FileSettingsStore,
  FixedSettingsStore,
  type SecretBox,
} from '../../electron/core/settings-store';
import type { CallHandlers, Events, RebootEvent } from '../../shared/ipc-contract';
import { DEFAULT_UNIFI, type Settings } from '../../shared/settings';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { startFakeMysqlServer } from '../support/fake-mysql-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { controllerForTest } from '../support/unifi-controller';

/** A keychain stand-in that really transforms the text, so a clear-text leak would show. */
const reversingBox: SecretBox = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from([...plain].reverse().join('')).toString('base64'),
  decrypt: (sealed) => [...Buffer.from(sealed, 'base64').toString()].reverse().join(''),
};

let db: TestDatabase;
let server: DeviceServer;
let dir: string;
let counters: { rx: bigint; tx: bigint; uptime: number };

beforeEach(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'bt-handlers-'));
  counters = { rx: 1_000_000n, tx: 500_000n, uptime: 1000 };
  server = await startDeviceServer(() => ({
    devices: [
      {
        name: 'Living Room AP',
        mac: 'AA:BB:CC:DD:EE:01',
        rx_bytes: counters.rx,
        tx_bytes: counters.tx,
        uptime: counters.uptime,
      },
    ],
  }));
});
afterEach(async () => {
  await server.close();
  await db.drop();
});

function settingsFor(overrides: Partial<Settings> = {}): Settings {
  return {
    source: 'seed',
    unifi: { ...DEFAULT_UNIFI },
    apiUrl: server.url,
    intervalSeconds: 1,
    database: { ...db.settings },
    notifications: true,
    launchAtLogin: false,
    ...overrides,
  };
}

interface Harness {
  service: BandwidthService;
  handlers: CallHandlers;
  opened: Array<[string, unknown]>;
  reboots: RebootEvent[];
  store: FileSettingsStore;
}

function harness(settings: Settings = settingsFor()): Harness {
  const store = new FileSettingsStore(join(dir, 'settings.json'), reversingBox);
  const service = new BandwidthService({
    settings: toServiceSettings(settings),
    log: () => {},
    announcedReboots: announcedRebootsFile(join(dir, 'announced.json')),
  });
  const opened: Array<[string, unknown]> = [];
  const shell: ShellActions = { openWindow: (name, options) => opened.push([name, options]) };
  const reboots: RebootEvent[] = [];
  service.on('routerRebooted', (event) => reboots.push(event));
  return { service, handlers: createCallHandlers(service, store, shell), opened, reboots, store };
}

/** Runs `work` while the service is connected (its pool lives as long as its run). */
async function whileRunning<T>(service: BandwidthService, work: () => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const connected = new Promise<void>((resolve) => {
    const off = service.on('cycleCompleted', () => {
      off();
      resolve();
    });
  });
  const running = service.run({ signal: stop.signal });
  await connected;
  try {
    return await work();
  } finally {
    stop.abort();
    await running;
  }
}

async function runCycles(service: BandwidthService, cycles: number, between?: (i: number) => void) {
  for (let i = 0; i < cycles; i += 1) {
    between?.(i);
    await service.run({ cycles: 1, signal: new AbortController().signal });
  }
}

describe('call handlers on the real core and MariaDB', () => {
  it("polls with the Settings' largest answer, and a larger answer names that field, not a flag", async () => {
    // One device is about 100 bytes: 0.05 MB holds it; 0.001 MB (1,000 bytes) does not hold 20.
    const { service } = harness(settingsFor({ maxResponseMb: 0.001 }));
    server.respondWith(() => ({
      devices: Array.from({ length: 20 }, (_, i) => ({
        name: `AP ${i}`,
        mac: `AA:BB:CC:DD:EE:${String(i).padStart(2, '0')}`,
        rx_bytes: 1_000_000n,
        tx_bytes: 500_000n,
      })),
    }));
    await runCycles(service, 1);
    const state = service.getState();
    expect(state.source.state).toBe('down');
    expect(state.source.message).toMatch(
      /larger than the limit of 0\.001 MB .*raise the limit with “Largest answer” in Settings/,
    );
    expect(state.source.message).not.toMatch(/--max-response-mb/);
    expect(toServiceSettings(settingsFor()).maxResponseBytes).toBe(64_000_000);
  });

  it('getState reports routers with live rate, today and lifetime totals, and statuses', async () => {
    const { service, handlers } = harness();
    const events: Events['cycleCompleted'][] = [];
    // Traffic arrives right after the first (baseline) cycle, before the second.
    service.on('cycleCompleted', (e) => {
      events.push(e);
      if (events.length === 1) {
        counters.rx += 1_000_000n;
        counters.tx += 250_000n;
      }
    });
    const stop = new AbortController();
    await service.run({ signal: stop.signal, cycles: 2 });

    const state = await handlers.getState();
    expect(state.source).toEqual({ state: 'ok', message: null });
    expect(state.database).toEqual({ state: 'ok', message: null });
    expect(state.routers).toHaveLength(1);
    const [router] = state.routers;
    expect(router).toMatchObject({
      name: 'Living Room AP',
      todayRxBytes: '1000000',
      todayTxBytes: '250000',
      lifetimeRxBytes: '2000000',
      lifetimeTxBytes: '750000',
      freshness: 'fresh',
    });
    // 1 MB over about one second is about 8 Mbps.
    expect(router?.rxMbps).toBeGreaterThan(4);
    expect(router?.rxMbps).toBeLessThan(12);
    expect(events).toHaveLength(2);
    expect(events[1]?.routers[0]?.todayRxBytes).toBe('1000000');
  });

  it('getHistory returns the hour buckets of the snapshots', async () => {
    const { service, handlers } = harness();
    await runCycles(service, 3, (i) => {
      if (i > 0) counters.rx += 2_000_000n;
    });
    const history = await whileRunning(service, () =>
      handlers.getHistory({ range: 'day', routerIds: [], timeZone: 'Europe/Paris' }),
    );
    expect(history.bucket).toBe('hour');
    expect(history.bucketStarts).toHaveLength(24);
    const total = history.buckets.reduce((sum, b) => sum + BigInt(b.rxBytes), 0n);
    expect(total).toBe(4_000_000n);
    const [firstSeen] = await db.rows<{ at: Date }>('SELECT created_at AS at FROM routers');
    expect(history.summary).toEqual([
      {
        routerId: history.routers[0]?.id,
        name: 'Living Room AP',
        rxBytes: '4000000',
        txBytes: '0',
        lifetimeRxBytes: '5000000',
        lifetimeTxBytes: '500000',
        // What was counted since first seen, without the counters it started from.
        trackedRxBytes: '4000000',
        trackedTxBytes: '0',
        // Where the tracked total starts.
        firstSeenAt: firstSeen?.at.toISOString(),
        reboots: 0,
      },
    ]);
    // The widest custom range accepted still finds the traffic (a 9999 end used to answer 0 B).
    const wide = await whileRunning(service, () =>
      handlers.getHistory({
        range: 'custom',
        routerIds: [],
        timeZone: 'UTC',
        from: '2020-01-01',
        to: '2199-12-31',
      }),
    );
    expect(wide.bucket).toBe('month');
    expect(wide.summary[0]?.rxBytes).toBe('4000000');
  });

  it('announces a reboot once, including one that happened while the app was closed', async () => {
    const first = harness();
    await runCycles(first.service, 2);
    counters.rx = 10n;
    counters.uptime = 5;
    await runCycles(first.service, 1);
    expect(first.reboots.map((e) => e.reboots.map((r) => r.name))).toEqual([['Living Room AP']]);

    // The app is closed; the router reboots again; the next start announces it once.
    counters.rx = 5n;
    counters.uptime = 2;
    const second = harness();
    await runCycles(second.service, 2);
    expect(second.reboots).toHaveLength(1);
    expect(second.reboots[0]?.reboots[0]?.uptimeSeconds).toBe(2);

    const third = harness();
    await runCycles(third.service, 2);
    expect(third.reboots).toEqual([]);
  });

  it('saves settings with the password sealed, never in clear text, and reloads them', async () => {
    const { handlers } = harness();
    const first = await handlers.getSettings();
    expect(first.firstRun).toBe(true);
    const input = { ...settingsFor(), database: { ...db.settings, password: 'hunter2-secret' } };
    const saved = await handlers.saveSettings(input);
    expect(saved.ok).toBe(true);
    const file = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(file).not.toContain('hunter2-secret');
    expect(JSON.stringify(saved)).not.toContain('hunter2-secret');
    const again = await handlers.getSettings();
    expect(again).toMatchObject({
      firstRun: false,
      database: { passwordSet: true, host: db.settings.host },
    });

    const invalid = await handlers.saveSettings({ ...input, intervalSeconds: 0 });
    expect(invalid).toEqual({
      ok: false,
      errors: { intervalSeconds: 'Enter a number of seconds from 1 to 86400 (one day)' },
    });
  });

  it('seals the controller password and API key, keeps them when a page sends none, and polls the controller', async () => {
    const { handlers, store } = harness();
    const unifi = {
      ...DEFAULT_UNIFI,
      controllerUrl: 'https://192.168.1.1',
      username: 'admin',
      password: 'ctrl-pass-9',
      apiKey: 'ctrl-key-9',
    };
    const saved = await handlers.saveSettings({ ...settingsFor(), source: 'unifi', unifi });
    expect(saved.ok).toBe(true);
    const file = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(file).not.toMatch(/ctrl-pass-9|ctrl-key-9/);
    expect(await handlers.getSettings()).toMatchObject({
      source: 'unifi',
      unifi: { username: 'admin', passwordSet: true, apiKeySet: true },
    });
    // A page sends null for secrets it does not change: the stored ones stay.
    await handlers.saveSettings({
      ...settingsFor(),
      source: 'unifi',
      unifi: { ...unifi, site: 'branch', password: null, apiKey: null },
    });
    const { settings } = await store.load();
    expect(settings.unifi).toMatchObject({
      site: 'branch',
      password: 'ctrl-pass-9',
      apiKey: 'ctrl-key-9',
    });
  });

  it('shows the certificate a controller presents and whether it is trusted', async (ctx) => {
    const { controller, certificate } = await controllerForTest(ctx);
    try {
      const { handlers } = harness();
      expect(await handlers.checkCertificate(controller.url)).toEqual({
        ok: true,
        fingerprint: certificate.fingerprint,
        trusted: false,
      });
      expect(controller.requests).toEqual([]);
      expect(await handlers.checkCertificate('http://192.168.1.1')).toMatchObject({ ok: false });
      const closed = await handlers.checkCertificate('https://127.0.0.1:1');
      expect(closed).toMatchObject({
        ok: false,
        message: expect.stringMatching(/Cannot reach 127\.0\.0\.1:1 \(ECONNREFUSED\)/),
      });
    } finally {
      await controller.close();
    }
  });

  it('tests a database connection and reports success or the exact error', async () => {
    const { handlers } = harness();
    const good = await handlers.testDatabase({
      ...settingsFor(),
      database: { ...db.settings, password: null },
    });
    expect(good.ok).toBe(true);
    expect(good.message).toMatch(
      new RegExp(
        `^Connected to MySQL .+ at 127\\.0\\.0\\.1:3306 as root\\. Database "${db.settings.database}" exists\\.$`,
      ),
    );
    const refused = await handlers.testDatabase({
      ...settingsFor(),
      database: { ...db.settings, port: 1, password: null },
    });
    expect(refused).toEqual({
      ok: false,
      message:
        'Cannot reach MySQL at 127.0.0.1:1 (ECONNREFUSED): start the server or check Settings',
    });
    const denied = await handlers.testDatabase({
      ...settingsFor(),
      database: { ...db.settings, user: 'nobody_here', password: 'x' },
    });
    // MariaDB answers an unknown user with either code, depending on its auth plugin exchange.
    expect(denied.message).toMatch(
      /^MySQL at 127\.0\.0\.1:3306 refused user "nobody_here" \(ER_ACCESS_DENIED(_NO_PASSWORD)?_ERROR\): check the user and password in Settings$/,
    );
  });

  it('sends a stored MySQL password only to the user, host and port it was saved for', async () => {
    const fake = await startFakeMysqlServer();
    try {
      const { handlers, store } = harness();
      const stored = settingsFor({ database: { ...db.settings, password: 'stored-secret-42' } });
      await store.save(stored);
      const elsewhere = { ...db.settings, port: fake.port, password: null };
      const attempt = await handlers.testDatabase({ ...stored, database: elsewhere });
      expect(attempt).toEqual({
        ok: false,
        message: `Type the password again: the saved one is only sent to root@127.0.0.1:${db.settings.port}, and the user, host or port changed. Leave the box empty only if this server has no password.`,
      });
      const otherUser = { ...db.settings, user: 'someone_else', password: null };
      expect(await handlers.testDatabase({ ...stored, database: otherUser })).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^Type the password again/),
      });
      expect(fake.connections).toEqual([]);
      // Saving another target without the password is refused the same way, on the field.
      const save = await handlers.saveSettings({ ...stored, database: elsewhere });
      expect(save).toMatchObject({
        ok: false,
        errors: { 'database.password': expect.stringMatching(/^Type the password again/) },
      });
      expect((await store.load()).settings.database).toEqual(stored.database);

      // A typed password does go to the server named: the recorder does see it then.
      const typed = await handlers.testDatabase({
        ...stored,
        database: { ...elsewhere, password: 'typed-for-this-one' },
      });
      expect(typed.message).toMatch(/refused user "root" \(ER_ACCESS_DENIED_ERROR\)/);
      expect(fake.sawPassword('typed-for-this-one')).toBe(true);
      expect(fake.sawPassword('stored-secret-42')).toBe(false);
      // An empty box for a server without a password: an empty auth response, nothing else.
      await handlers.testDatabase({ ...stored, database: { ...elsewhere, password: '' } });
      expect(fake.connections.map((c) => c.authResponse?.length)).toEqual([20, 0]);
      expect(fake.sawPassword('stored-secret-42')).toBe(false);
    } finally {
      await fake.close();
    }
  });

  it('keeps the controller password and API key for the address and account they were saved for', async () => {
    const { handlers, store } = harness();
    const unifi = {
      ...DEFAULT_UNIFI,
      controllerUrl: 'https://192.168.1.1',
      username: 'admin',
      password: 'ctrl-pass-9',
    };
    await handlers.saveSettings({ ...settingsFor(), source: 'unifi', unifi });
    const keep = { ...unifi, password: null, apiKey: null };
    // The same origin written differently is the same controller.
    const same = await handlers.saveSettings({
      ...settingsFor(),
      source: 'unifi',
      unifi: { ...keep, controllerUrl: 'https://192.168.1.1:443/' },
    });
    expect(same.ok).toBe(true);
    expect((await store.load()).settings.unifi.password).toBe('ctrl-pass-9');
    for (const moved of [
      { ...keep, controllerUrl: 'https://192.168.1.1:8443' },
      { ...keep, controllerUrl: 'https://attacker.example' },
      { ...keep, username: 'other' },
    ]) {
      const result = await handlers.saveSettings({
        ...settingsFor(),
        source: 'unifi',
        unifi: moved,
      });
      expect(result).toMatchObject({
        ok: false,
        errors: {
          'unifi.password':
            'Type the password again: the saved one is only sent to admin at https://192.168.1.1, and the address or user name changed.',
        },
      });
    }
    expect((await store.load()).settings.unifi).toMatchObject({
      controllerUrl: 'https://192.168.1.1:443/',
      password: 'ctrl-pass-9',
    });
  });

  it('limits certificate checks, so they cannot scan ports', async () => {
    let now = 1_000_000;
    const store = new FileSettingsStore(join(dir, 'settings.json'), reversingBox);
    const service = new BandwidthService({
      settings: toServiceSettings(settingsFor()),
      log: () => {},
    });
    const handlers = createCallHandlers(
      service,
      store,
      { openWindow: () => {} },
      { now: () => now },
    );
    const answers = [];
    for (let i = 0; i < CERTIFICATE_CHECKS_PER_MINUTE + 1; i += 1) {
      answers.push(await handlers.checkCertificate(`https://127.0.0.1:${1 + i}`));
    }
    expect(answers.slice(0, -1).every((a) => !a.ok && a.message.startsWith('Cannot reach'))).toBe(
      true,
    );
    expect(answers.at(-1)).toEqual({
      ok: false,
      message: 'Too many certificate checks: wait 60 s and try again',
    });
    now += 60_000;
    expect(await handlers.checkCertificate('https://127.0.0.1:1')).toMatchObject({
      message: expect.stringMatching(/^Cannot reach 127\.0\.0\.1:1/),
    });
    expect(await handlers.checkCertificate('https://user:pw@127.0.0.1:1')).toEqual({
      ok: false,
      message: 'Enter the address without a user name or password in it',
    });
  });

  it('limits connection tests, so they cannot scan ports either', async () => {
    let now = 1_000_000;
    const store = new FileSettingsStore(join(dir, 'settings.json'), reversingBox);
    const service = new BandwidthService({
      settings: toServiceSettings(settingsFor()),
      log: () => {},
    });
    const handlers = createCallHandlers(
      service,
      store,
      { openWindow: () => {} },
      { now: () => now },
    );
    const probe = (port: number) =>
      handlers.testDatabase({ ...settingsFor(), database: { ...db.settings, port, password: '' } });
    const answers = [];
    for (let i = 0; i < DATABASE_TESTS_PER_MINUTE + 1; i += 1) answers.push(await probe(1 + i));
    expect(answers.slice(0, -1).every((a) => a.message.startsWith('Cannot reach MySQL'))).toBe(
      true,
    );
    expect(answers.at(-1)).toEqual({
      ok: false,
      message: 'Too many connection tests: wait 60 s and try again',
    });
    now += 60_000;
    expect((await probe(1)).message).toMatch(/^Cannot reach MySQL at 127\.0\.0\.1:1 /);
  });

  it('checks only the configured controller when settings come from the command line', async () => {
    const service = new BandwidthService({
      settings: toServiceSettings(settingsFor()),
      log: () => {},
    });
    const configured = settingsFor({
      source: 'unifi',
      unifi: { ...DEFAULT_UNIFI, controllerUrl: 'https://127.0.0.1:1', username: 'admin' },
    });
    const handlers = createCallHandlers(service, new FixedSettingsStore(configured), {
      openWindow: () => {},
    });
    expect(await handlers.checkCertificate('https://127.0.0.1:2')).toEqual({
      ok: false,
      message: 'This collector only checks the controller it polls (https://127.0.0.1:1)',
    });
    expect(await handlers.checkCertificate('https://127.0.0.1:1/')).toMatchObject({
      message: expect.stringMatching(/^Cannot reach 127\.0\.0\.1:1 \(ECONNREFUSED\)/),
    });
  });

  it('pauses and resumes polling, and asks the shell for windows', async () => {
    const { handlers, opened } = harness();
    expect((await handlers.setPaused(true)).paused).toBe(true);
    expect((await handlers.setPaused(false)).paused).toBe(false);
    expect(await handlers.openWindow('history', { routerId: 7 })).toBeNull();
    expect(opened).toEqual([['history', { routerId: 7 }]]);
  });
});
