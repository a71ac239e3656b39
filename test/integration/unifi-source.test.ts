// The UniFi source against real local HTTPS servers that behave like a UniFi OS console and
// a classic controller, with a self-signed certificate made for this run.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../electron/core/sources/device-source';
import { createUnifiSource, type UnifiOptions } from '../../electron/core/sources/unifi-source';
import {
  type FakeController,
  opensslUnavailable,
  selfSignedCertificate,
  startFakeController,
  type TestCertificate,
  unifiSite,
} from '../support/unifi-controller';

const noOpenssl = opensslUnavailable();
let certificate: TestCertificate;
let controller: FakeController | null = null;
let step = 0;

beforeAll(() => {
  if (noOpenssl === null) certificate = selfSignedCertificate();
});
afterEach(async () => {
  await controller?.close();
  controller = null;
});

async function start(
  ctx: { skip: (note: string) => void },
  flavour: 'unifi-os' | 'classic',
  extra: { apiKey?: string } = {},
): Promise<FakeController> {
  if (noOpenssl !== null) ctx.skip(`HTTPS tests need a certificate: ${noOpenssl}`);
  step = 0;
  controller = await startFakeController({
    flavour,
    certificate,
    username: 'admin',
    password: 'pa55 "word"',
    devices: () => unifiSite(step++),
    ...extra,
  });
  return controller;
}

function source(c: FakeController, options: Partial<UnifiOptions> = {}) {
  return createUnifiSource({
    controllerUrl: c.url,
    auth: { kind: 'password', username: 'admin', password: 'pa55 "word"' },
    site: 'default',
    fingerprint: certificate.fingerprint,
    timeoutMs: 2_000,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('UniFi source', () => {
  it('logs in to a UniFi OS console, sends its CSRF token, and maps the documented device list', async (ctx) => {
    const c = await start(ctx, 'unifi-os');
    const unifi = source(c);
    const first = await unifi.fetchDevices();
    expect(unifi.flavour).toBe('unifi-os');
    expect(c.logins).toBe(1);
    const byName = new Map(first.devices.map((d) => [d.identity.name, d]));
    expect([...byName.keys()]).toEqual([
      'Dream Machine',
      'Core Switch',
      'Office AP',
      'U6-Lite F4:E2:C6:00:00:04',
    ]);
    const gateway = byName.get('Dream Machine');
    // The gateway counts its WAN port, exactly, even above 2^53; numeric strings are read.
    expect(gateway?.counters).toEqual({
      rxBytes: 9_007_199_254_740_993n,
      txBytes: 50_000_000n,
      uptime: 864_000,
    });
    expect(gateway?.identity).toMatchObject({
      mac: 'F4:E2:C6:00:00:01',
      ip: '192.168.1.1',
      brand: 'Ubiquiti',
    });
    expect(gateway?.throughput).toEqual({ downloadMbps: 940.2, uploadMbps: 410.7, latencyMs: 7 });
    expect(gateway?.identity.model).toBe('UDMPRO');
    // The WAN port's own live rates, not the whole device's (which include the LAN).
    expect(gateway?.rates).toEqual({ rxBytesPerSecond: 125_000, txBytesPerSecond: 25_000 });
    expect(byName.get('Office AP')?.rates).toBeNull();
    // A switch's top-level tx is what it sent its clients: download, stored as rx.
    expect(byName.get('Core Switch')?.counters).toMatchObject({
      rxBytes: 30_000_000_000n,
      txBytes: 40_000_000_000n,
    });
    expect(byName.get('Core Switch')?.counters?.uptime).toBe(500_000);

    // The next poll sends the rotated token (the fake refuses a stale one).
    const second = await unifi.fetchDevices();
    expect(second.devices[0]?.counters?.rxBytes).toBe(9_007_199_254_740_993n + 2_000_000n);
    expect(c.logins).toBe(1);
    const read = c.requests.filter((r) => r.path === '/proxy/network/api/s/default/stat/device');
    expect(read).toHaveLength(2);
    expect(read.every((r) => typeof r.headers['x-csrf-token'] === 'string')).toBe(true);
  });

  it('logs in to a classic controller at /api/login and reads /api/s/{site}/stat/device', async (ctx) => {
    const c = await start(ctx, 'classic');
    const unifi = source(c);
    const parsed = await unifi.fetchDevices();
    expect(unifi.flavour).toBe('classic');
    expect(parsed.devices).toHaveLength(4);
    expect(c.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /',
      'POST /api/login',
      'GET /api/s/default/stat/device',
    ]);
  });

  it('logs in again, once, when the session cookie expires', async (ctx) => {
    for (const flavour of ['unifi-os', 'classic'] as const) {
      const c = await start(ctx, flavour);
      const unifi = source(c);
      await unifi.fetchDevices();
      c.expireSessions();
      const parsed = await unifi.fetchDevices();
      expect(parsed.devices).toHaveLength(4);
      expect(c.logins).toBe(2);
      await c.close();
      controller = null;
    }
  });

  it('stops after a refused login instead of trying again and locking the account', async (ctx) => {
    const c = await start(ctx, 'unifi-os');
    const unifi = source(c, { auth: { kind: 'password', username: 'admin', password: 'wrong' } });
    const error = await failure(unifi.fetchDevices());
    expect(error.kind).toBe('login-refused');
    expect(error.message).toMatch(
      /refused the username or password \(HTTP 401\)\. Polling stopped/,
    );
    expect(error.message).not.toContain('wrong');
    const again = await failure(unifi.fetchDevices());
    expect(again.kind).toBe('login-refused');
    expect(c.logins).toBe(1);
  });

  it('uses an API key without logging in, and stops when the key is refused', async (ctx) => {
    const c = await start(ctx, 'unifi-os', { apiKey: 'k3y' });
    const parsed = await source(c, { auth: { kind: 'api-key', apiKey: 'k3y' } }).fetchDevices();
    expect(parsed.devices).toHaveLength(4);
    expect(c.logins).toBe(0);
    expect(c.requests.map((r) => r.path)).toEqual(['/proxy/network/api/s/default/stat/device']);
    expect(c.requests[0]?.headers['x-api-key']).toBe('k3y');

    const refused = source(c, { auth: { kind: 'api-key', apiKey: 'nope' } });
    expect((await failure(refused.fetchDevices())).kind).toBe('login-refused');
    const count = c.requests.length;
    await failure(refused.fetchDevices());
    expect(c.requests.length).toBe(count);
  });

  it('passes on a 429 with its Retry-After, and says which site is missing', async (ctx) => {
    const c = await start(ctx, 'unifi-os');
    const unifi = source(c);
    await unifi.fetchDevices();
    c.rateLimitNext('7');
    const limited = await failure(unifi.fetchDevices());
    expect(limited.retryAfterMs).toBe(7_000);
    expect(limited.message).toMatch(/HTTP 429.*pauses for 7 s/);
    const wrongSite = await failure(source(c, { site: 'branch' }).fetchDevices());
    expect(wrongSite.message).toMatch(/has no site "branch"/);
  });

  it('refuses an unpinned self-signed certificate and shows its fingerprint, sending nothing', async (ctx) => {
    const c = await start(ctx, 'unifi-os');
    const error = await failure(source(c, { fingerprint: null }).fetchDevices());
    expect(error.kind).toBe('certificate');
    expect(error.message).toContain(certificate.fingerprint);
    expect(error.message).toMatch(/trust it in Settings or pass --fingerprint/);
    expect(c.requests).toEqual([]);
  });

  it('refuses a certificate that does not match the pinned fingerprint before sending credentials', async (ctx) => {
    const c = await start(ctx, 'classic');
    const other = `${'AA:'.repeat(31)}AA`;
    const error = await failure(source(c, { fingerprint: other }).fetchDevices());
    expect(error.kind).toBe('certificate');
    expect(error.message).toMatch(/does not match the trusted fingerprint/);
    expect(error.message).toContain(certificate.fingerprint);
    // The TLS handshake happened, but no request (and so no password) reached the server.
    expect(c.requests).toEqual([]);
    expect(c.logins).toBe(0);
    // The right fingerprint, colons or not, lower case or not, is accepted.
    const pinned = certificate.fingerprint.replaceAll(':', '').toLowerCase();
    expect((await source(c, { fingerprint: pinned }).fetchDevices()).devices).toHaveLength(4);
  });
});
