import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJson } from './device-server';

export interface TestCertificate {
  key: string;
  cert: string;
  /** `AB:CD:…` as browsers show it. */
  fingerprint: string;
}

/** Why no certificate can be made here, or null. */
export function opensslUnavailable(): string | null {
  return existsSync('/usr/bin/openssl')
    ? null
    : 'openssl is not installed (apt-get install openssl)';
}

/** A fresh self-signed certificate for 127.0.0.1, made with openssl for this test run. */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'bt-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=unifi.test',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert,
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FakeControllerOptions {
  flavour: 'unifi-os' | 'classic';
  certificate: TestCertificate;
  username: string;
  password: string;
  apiKey?: string;
  site?: string;
  /** The `data` array of stat/device for the next request. */
  devices: () => unknown[];
  /**
   * Several sites, by short name, each with its stat/device (`site`/`devices` are then not
   * used), listed by `/api/self/sites` with their descriptions.
   */
  sites?: Record<string, { description: string; devices: () => unknown[] }>;
  /** How long stat/device takes to answer, so requests in flight overlap (default 0). */
  answerDelayMs?: number;
  /** Counts stat/device requests in flight across several fakes that share it. */
  sharedInFlight?: { now: number; max: number };
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FakeController {
  url: string;
  /** Every request that reached the HTTP layer (after the TLS handshake). */
  readonly requests: SeenRequest[];
  readonly logins: number;
  /** Forget every session, as a controller does when cookies expire. */
  expireSessions(): void;
  /** The next request gets 429 with this Retry-After. */
  rateLimitNext(retryAfter: string): void;
  /** Every request answers 503 while down (a controller restarting), and normally after. */
  setDown(down: boolean): void;
  /** This site answers 500 while failing. */
  setSiteFailing(site: string, failing: boolean): void;
  /** The most requests this controller was answering at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/**
 * An HTTPS server that behaves like a UniFi OS console or a classic Network controller:
 * login, session cookie, CSRF token (UniFi OS rotates it with x-updated-csrf-token), API key,
 * site paths, and the documented `{ meta, data }` envelope.
 */
export async function startFakeController(options: FakeControllerOptions): Promise<FakeController> {
  const site = options.site ?? 'default';
  const sessions = new Map<string, string>(); // session cookie → csrf token
  const requests: SeenRequest[] = [];
  let logins = 0;
  let rateLimit: string | null = null;
  const sessionCookie = options.flavour === 'unifi-os' ? 'TOKEN' : 'unifises';
  const prefix = options.flavour === 'unifi-os' ? '/proxy/network' : '';

  const cookieOf = (req: IncomingMessage, name: string) =>
    (req.headers.cookie ?? '')
      .split(';')
      .map((part) => part.trim().split('='))
      .find(([key]) => key === name)?.[1];

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(typeof body === 'string' ? body : toJson(body));

  let down = false;
  const failingSites = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    if (down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('restarting');
      return;
    }
    if (rateLimit !== null) {
      res.writeHead(429, { 'retry-after': rateLimit }).end();
      rateLimit = null;
      return;
    }
    if (path === '/' && req.method === 'GET') {
      if (options.flavour === 'classic') res.writeHead(302, { location: '/manage' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>UniFi OS</html>');
      return;
    }
    const loginPath = options.flavour === 'unifi-os' ? '/api/auth/login' : '/api/login';
    if (path === loginPath && req.method === 'POST') {
      logins += 1;
      let credentials: { username?: string; password?: string } = {};
      try {
        credentials = JSON.parse(body);
      } catch {}
      if (credentials.username !== options.username || credentials.password !== options.password) {
        json(res, options.flavour === 'unifi-os' ? 401 : 400, {
          meta: { rc: 'error', msg: 'api.err.Invalid' },
          data: [],
        });
        return;
      }
      const session = randomBytes(12).toString('hex');
      const csrf = randomBytes(12).toString('hex');
      sessions.set(session, csrf);
      const cookies = [`${sessionCookie}=${session}; path=/; HttpOnly; secure`];
      if (options.flavour === 'classic') cookies.push(`csrf_token=${csrf}; path=/; secure`);
      json(
        res,
        200,
        { meta: { rc: 'ok' }, data: [] },
        {
          'set-cookie': cookies,
          ...(options.flavour === 'unifi-os' ? { 'x-csrf-token': csrf } : {}),
        },
      );
      return;
    }
    const devicesPath = `${prefix}/api/s/`;
    if (path.startsWith(devicesPath) && path.endsWith('/stat/device') && req.method === 'GET') {
      const key = req.headers['x-api-key'];
      const session = cookieOf(req, sessionCookie);
      const csrf = session === undefined ? undefined : sessions.get(session);
      const byKey = options.apiKey !== undefined && key === options.apiKey;
      const bySession = csrf !== undefined && req.headers['x-csrf-token'] === csrf;
      if (!byKey && !bySession) {
        json(res, 401, { meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] });
        return;
      }
      const asked = decodeURIComponent(path.slice(devicesPath.length, -'/stat/device'.length));
      const devicesOf =
        options.sites === undefined
          ? asked === site
            ? options.devices
            : undefined
          : options.sites[asked]?.devices;
      if (devicesOf === undefined) {
        json(res, 400, { meta: { rc: 'error', msg: 'api.err.NoSiteContext' }, data: [] });
        return;
      }
      if (failingSites.has(asked)) {
        json(res, 500, { meta: { rc: 'error', msg: 'api.err.ServerError' }, data: [] });
        return;
      }
      const headers: Record<string, string> = {};
      if (options.flavour === 'unifi-os' && session !== undefined && csrf !== undefined) {
        // UniFi OS hands out a new token now and then; the old one stops working.
        const rotated = randomBytes(12).toString('hex');
        sessions.set(session, rotated);
        headers['x-updated-csrf-token'] = rotated;
      }
      const data = devicesOf();
      const shared = options.sharedInFlight;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (shared !== undefined) {
        shared.now += 1;
        shared.max = Math.max(shared.max, shared.now);
      }
      setTimeout(() => {
        inFlight -= 1;
        if (shared !== undefined) shared.now -= 1;
        json(res, 200, { meta: { rc: 'ok' }, data }, headers);
      }, options.answerDelayMs ?? 0);
      return;
    }
    if (path === `${prefix}/api/self/sites` && req.method === 'GET') {
      const session = cookieOf(req, sessionCookie);
      const byKey = options.apiKey !== undefined && req.headers['x-api-key'] === options.apiKey;
      if (!byKey && (session === undefined || !sessions.has(session))) {
        json(res, 401, { meta: { rc: 'error', msg: 'api.err.LoginRequired' }, data: [] });
        return;
      }
      const sites = options.sites ?? {
        [site]: { description: 'Default', devices: options.devices },
      };
      json(res, 200, {
        meta: { rc: 'ok' },
        data: Object.entries(sites).map(([name, s], index) => ({
          _id: `site${index}`,
          name,
          desc: s.description,
          role: 'admin',
        })),
      });
      return;
    }
    json(res, 404, { meta: { rc: 'error', msg: 'api.err.NotFound' }, data: [] });
  };

  const server = createServer(
    { key: options.certificate.key, cert: options.certificate.cert },
    (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => handle(req, res, body));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    get logins() {
      return logins;
    },
    expireSessions: () => sessions.clear(),
    setDown: (value) => {
      down = value;
    },
    setSiteFailing: (name, failing) => {
      if (failing) failingSites.add(name);
      else failingSites.delete(name);
    },
    get maxInFlight() {
      return maxInFlight;
    },
    rateLimitNext: (retryAfter) => {
      rateLimit = retryAfter;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A small site as stat/device describes it: gateway, switch, access points. */
export function unifiSite(step: number): unknown[] {
  const grow = (base: bigint, perStep: bigint) => base + perStep * BigInt(step);
  return [
    {
      _id: 'g1',
      type: 'udm',
      model: 'UDMPRO',
      name: 'Dream Machine',
      mac: 'f4:e2:c6:00:00:01',
      ip: '192.168.1.1',
      uptime: 864_000 + step * 60,
      // The device's own counters include LAN traffic; the WAN port is what leaves the site.
      rx_bytes: grow(900_000_000_000n, 9_000_000n),
      tx_bytes: grow(800_000_000_000n, 8_000_000n),
      'rx_bytes-r': 150_000,
      'tx_bytes-r': 40_000,
      wan1: {
        rx_bytes: grow(9_007_199_254_740_993n, 2_000_000n),
        tx_bytes: String(grow(50_000_000n, 500_000n)),
        'rx_bytes-r': 125_000,
        'tx_bytes-r': '25000',
      },
      uplink: { xput_down: 940.2, xput_up: 410.7, latency: 7 },
    },
    {
      _id: 's1',
      type: 'usw',
      model: 'USW-24-PoE',
      name: 'Core Switch',
      mac: 'f4:e2:c6:00:00:02',
      ip: '192.168.1.2',
      uptime: String(500_000 + step * 60),
      rx_bytes: String(grow(40_000_000_000n, 3_000_000n)),
      tx_bytes: grow(30_000_000_000n, 1_000_000n),
      uplink: { type: 'wire', rx_bytes: 1, tx_bytes: 2 },
    },
    {
      _id: 'a1',
      type: 'uap',
      model: 'U6-Pro',
      name: 'Office AP',
      mac: 'f4:e2:c6:00:00:03',
      ip: '192.168.1.3',
      uptime: 300_000 + step * 60,
      rx_bytes: grow(2_000_000_000n, 1_000_000n),
      tx_bytes: grow(1_000_000_000n, 500_000n),
    },
    {
      _id: 'a2',
      type: 'uap',
      model: 'U6-Lite',
      mac: 'f4:e2:c6:00:00:04',
      ip: '192.168.1.4',
      uptime: 300_000 + step * 60,
      rx_bytes: grow(100n, 1_000n),
      tx_bytes: grow(50n, 400n),
    },
  ];
}

/**
 * A fake controller with a certificate made for this test, or a skip that says why there can
 * be none. The site grows by one step per read unless `devices` says otherwise.
 */
export async function controllerForTest(
  ctx: { skip: (note: string) => void },
  options: Partial<Omit<FakeControllerOptions, 'certificate'>> = {},
): Promise<{ controller: FakeController; certificate: TestCertificate }> {
  const missing = opensslUnavailable();
  if (missing !== null) ctx.skip(`HTTPS tests need a certificate: ${missing}`);
  const certificate = selfSignedCertificate();
  let step = 0;
  const controller = await startFakeController({
    flavour: 'unifi-os',
    username: 'admin',
    password: 'hunter2',
    devices: () => unifiSite(step++),
    ...options,
    certificate,
  });
  return { controller, certificate };
}
