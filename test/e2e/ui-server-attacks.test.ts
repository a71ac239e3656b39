// Local callers of the collector's --ui server, tried the way another local process or a web
// page in the user's browser would: the real collector, real MariaDB with a password-protected
// account, and a fake MySQL server that records every byte it is sent.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_DIR } from '../../electron/collector/renderer-build';
import { type CollectorRun, startCollector } from '../support/collector-process';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { type FakeMysqlServer, startFakeMysqlServer } from '../support/fake-mysql-server';
import { adminConnection, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const PASSWORD = `stored-${randomBytes(6).toString('hex')}`;
const USER = `bt_guard_${randomBytes(4).toString('hex')}`;

let db: TestDatabase;
let devices: DeviceServer;
let fake: FakeMysqlServer;
let collector: CollectorRun;
let baseUrl: string;
let token: string;

interface Answer {
  status: number;
  body: { ok: boolean; result?: unknown; error?: string };
}

/** A raw HTTP call, so the test sets exactly the headers an attacker would (Host included). */
function post(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method: 'POST', headers });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const call = (name: string, args: unknown[], headers: Record<string, string>) =>
  post(`/api/call/${name}`, { ...json, ...headers }, JSON.stringify({ args }));
/** What the app's own page sends. */
const ownPage = () => ({ origin: baseUrl, 'x-bt-token': token });

async function paused(): Promise<boolean> {
  const state = await call('getState', [], ownPage());
  return (state.body.result as { paused: boolean }).paused;
}

async function cyclesInDb(): Promise<number> {
  const [row] = await db.rows<{ n: number }>('SELECT COUNT(*) AS n FROM poll_cycles');
  return Number(row?.n);
}

describe('attacks on the --ui server (real collector, MariaDB, fake MySQL server)', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = await adminConnection();
    try {
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [USER, '127.0.0.1', PASSWORD]);
      await admin.query('GRANT ALL PRIVILEGES ON ??.* TO ?@?', [
        db.settings.database,
        USER,
        '127.0.0.1',
      ]);
    } finally {
      await admin.end();
    }
    devices = await startDeviceServer(() => ({
      devices: [{ name: 'Office AP', mac: 'AA:BB:CC:DD:EE:01', rx_bytes: 1000, tx_bytes: 2000 }],
    }));
    fake = await startFakeMysqlServer();
    // Started while another test rebuilds the pages, the collector would build them a second
    // time; without any build (a fresh checkout, no Chromium) it builds them itself.
    await until(
      'the built pages',
      () => existsSync(join(RENDERER_DIR, 'popover.html')),
      60_000,
    ).catch(() => {});
    const mysqlUrl = `mysql://${USER}:${PASSWORD}@127.0.0.1:${db.settings.port}/${db.settings.database}`;
    collector = startCollector(
      ['--api-url', devices.url, '--interval', '0.3', '--ui-port', '0', '--quiet'],
      { BT_MYSQL_URL: mysqlUrl },
    );
    await collector.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//, 1, 60_000);
    baseUrl = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(collector.stdout)?.[1] ?? '';
    // The pages may be being rebuilt by the browser test next door: read until one is served.
    await until(
      'a page carrying the token',
      async () => {
        const page = await (await fetch(`${baseUrl}/`)).text();
        token = /<meta name="bt-ui-token" content="([A-Za-z0-9_-]{43})" \/>/.exec(page)?.[1] ?? '';
        return token !== '';
      },
      60_000,
    );
    await collector.waitFor(/^📈 Updated/, 1, 60_000);
  }, 120_000);

  afterAll(async () => {
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    await devices?.close();
    await fake?.close();
    const admin = await adminConnection();
    await admin.query('DROP USER IF EXISTS ?@?', [USER, '127.0.0.1']).finally(() => admin.end());
    await db?.drop();
  });

  it('serves each page with this run’s token, and takes calls carrying it', async () => {
    expect(token).toHaveLength(43);
    const history = await (await fetch(`${baseUrl}/history.html`)).text();
    expect(history).toContain(`<meta name="bt-ui-token" content="${token}" />`);
    expect(await paused()).toBe(false);
  });

  it.each([
    ['no Origin, no token (curl, another local process)', {}],
    ['no Origin, right token', { 'x-bt-token': 'TOKEN' }],
    ['foreign Origin, right token', { origin: 'http://evil.example', 'x-bt-token': 'TOKEN' }],
    ['Origin null (sandboxed frame, file://)', { origin: 'null', 'x-bt-token': 'TOKEN' }],
    ['own Origin, no token (a page that guessed the port)', { origin: 'OWN' }],
    ['own Origin, wrong token', { origin: 'OWN', 'x-bt-token': 'x'.repeat(43) }],
    ['own Origin, token of another length', { origin: 'OWN', 'x-bt-token': 'short' }],
  ])('refuses setPaused with %s: 403, and polling goes on', async (_, template) => {
    const headers = Object.fromEntries(
      Object.entries(template).map(([k, v]) => [
        k,
        v === 'TOKEN' ? token : v === 'OWN' ? baseUrl : v,
      ]),
    );
    const answer = await call('setPaused', [true], headers);
    expect(answer.status).toBe(403);
    expect(answer.body.ok).toBe(false);
    expect(answer.body.error).toMatch(/^(Refused: |Origin ")/);
    expect(await paused()).toBe(false);
  });

  it('refuses a cross-site form post and a DNS-rebinding Host', async () => {
    // What a web page can send without CORS: a form or text/plain fetch, with its Origin.
    const form = await post(
      '/api/call/setPaused',
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      '{"args":[true]}',
    );
    expect(form.status).toBe(403);
    const rebound = await call('setPaused', [true], { ...ownPage(), host: 'evil.example:80' });
    expect(rebound.status).toBe(421);
    expect(await paused()).toBe(false);
    expect(collector.stdout).toMatch(/^Refused UI request call setPaused: no Origin header$/m);
  });

  it('opens the event stream only with the token', async () => {
    const without = await fetch(`${baseUrl}/api/events`);
    expect(without.status).toBe(403);
    await without.body?.cancel();
    const wrong = await fetch(`${baseUrl}/api/events?token=${'x'.repeat(43)}`);
    expect(wrong.status).toBe(403);
    await wrong.body?.cancel();
    const own = await fetch(`${baseUrl}/api/events?token=${token}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await own.body?.cancel();
  });

  it('never sends the stored MySQL password to a server the caller names', async () => {
    const settings = (await call('getSettings', [], ownPage())).body.result as {
      database: Record<string, unknown>;
    };
    expect(settings.database).toMatchObject({ user: USER, passwordSet: true });
    const { passwordSet: _, ...database } = settings.database;
    // The collector polls faster than Settings allows; a caller would send a valid form.
    Object.assign(settings, { intervalSeconds: 60 });
    // Even with the page's own token (a local process can read the page), for every target
    // that is not the saved one: another port, another host name, another user.
    for (const target of [
      { port: fake.port },
      { host: 'localhost', port: fake.port },
      { port: fake.port, user: 'root' },
    ]) {
      const answer = await call(
        'testDatabase',
        [{ ...settings, database: { ...database, ...target, password: null } }],
        ownPage(),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.result).toEqual({
        ok: false,
        message: `Type the password again: the saved one is only sent to ${USER}@127.0.0.1:${db.settings.port}, and the user, host or port changed. Leave the box empty only if this server has no password.`,
      });
    }
    expect(fake.connections).toHaveLength(0);
    expect(fake.sawPassword(PASSWORD)).toBe(false);

    // An explicitly empty password reaches the fake server as an empty auth response only.
    const empty = await call(
      'testDatabase',
      [{ ...settings, database: { ...database, port: fake.port, password: '' } }],
      ownPage(),
    );
    expect((empty.body.result as { message: string }).message).toMatch(/refused user/);
    expect(fake.connections.map((c) => [c.user, c.authResponse?.length])).toEqual([[USER, 0]]);
    expect(fake.sawPassword(PASSWORD)).toBe(false);

    // The saved target itself still works: the stored password is used there, and only there.
    const saved = await call(
      'testDatabase',
      [{ ...settings, database: { ...database, password: null } }],
      ownPage(),
    );
    expect(saved.body.result).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^Connected/),
    });
  });

  it('checks no certificate but the polled controller’s, and never scans ports', async () => {
    const probe = await call('checkCertificate', [`https://127.0.0.1:${fake.port}`], ownPage());
    expect(probe.body.result).toEqual({
      ok: false,
      message: 'This collector only checks the controller it polls (none)',
    });
    expect(fake.connections).toHaveLength(1);
  });

  it('still obeys the app’s own page, and kept recording through all of it', async () => {
    const before = await cyclesInDb();
    expect((await call('setPaused', [true], ownPage())).status).toBe(200);
    expect(await paused()).toBe(true);
    expect((await call('setPaused', [false], ownPage())).status).toBe(200);
    await until('two more recorded cycles', async () => (await cyclesInDb()) >= before + 2);
  });
});
