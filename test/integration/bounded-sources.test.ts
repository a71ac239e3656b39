// The sources against real local HTTP(S) servers that misbehave: endless bodies, compression
// bombs, lying Content-Length, redirects to other hosts, huge Retry-After, plain-http controllers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../electron/core/sources/device-source';
import { sendRequest } from '../../electron/core/sources/https-client';
import {
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  readRetryAfter,
} from '../../electron/core/sources/retry-after';
import { createSeedApiSource } from '../../electron/core/sources/seed-api-source';
import { createUnifiSource } from '../../electron/core/sources/unifi-source';
import {
  opensslUnavailable,
  selfSignedCertificate,
  startFakeController,
} from '../support/unifi-controller';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

/** Writes 64 KB chunks for as long as the client reads; counts what left. */
function endless(sent: { bytes: number }) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(65_536, 0x20);
    res.write('[');
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent.bytes += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };
}

const device = (i: number) => ({
  name: `Dev ${i}`,
  mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
  rx_bytes: 1000 + i,
  tx_bytes: 500 + i,
});

describe('bounded answers', () => {
  it('cuts off an endless body at the limit, as an outage naming the limit and the setting', async () => {
    const sent = { bytes: 0 };
    const url = await serve(endless(sent));
    const source = createSeedApiSource({
      apiUrl: url,
      timeoutMs: 5_000,
      maxResponseBytes: 2_000_000,
    });
    const error = await failure(source.fetchDevices());
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/larger than the limit of 2 MB \(as sent\)/);
    expect(error.message).toMatch(/--max-response-mb \(BT_MAX_RESPONSE_MB\)/);
    // The connection was dropped, not drained: the server could not push much past the limit.
    expect(sent.bytes).toBeLessThan(2_000_000 + 8_000_000);
  });

  it('refuses a Content-Length above the limit before reading', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '5000000000' });
      res.write('[');
    });
    const error = await failure(
      createSeedApiSource({
        apiUrl: url,
        timeoutMs: 5_000,
        maxResponseBytes: 1_000,
      }).fetchDevices(),
    );
    expect(error.kind).toBe('too-large');
  });

  it('decodes gzip and br, and stops a compression bomb at the limit once inflated', async () => {
    const list = Buffer.from(JSON.stringify([device(1), device(2)]));
    const bomb = gzipSync(Buffer.alloc(20_000_000, 0x20)); // ~20 KB that inflate to 20 MB
    expect(bomb.length).toBeLessThan(50_000);
    const answers: Record<string, [string, Buffer]> = {
      '/gzip/api/unifi/devices': ['gzip', gzipSync(list)],
      '/br/api/unifi/devices': ['br', brotliCompressSync(list)],
      '/bomb/api/unifi/devices': ['gzip', bomb],
      '/brbomb/api/unifi/devices': ['br', brotliCompressSync(Buffer.alloc(20_000_000, 0x20))],
      '/odd/api/unifi/devices': ['compress', list],
    };
    const url = await serve((req, res) => {
      const [encoding, body] = answers[req.url ?? ''] ?? ['identity', Buffer.from('[]')];
      res.writeHead(200, { 'content-encoding': encoding }).end(body);
    });
    const seed = (path: string) =>
      createSeedApiSource({
        apiUrl: `${url}${path}`,
        timeoutMs: 5_000,
        maxResponseBytes: 1_000_000,
      });
    for (const path of ['/gzip', '/br']) {
      const parsed = await seed(path).fetchDevices();
      expect(parsed.devices.map((d) => d.counters?.rxBytes)).toEqual([1001n, 1002n]);
    }
    for (const path of ['/bomb', '/brbomb']) {
      const error = await failure(seed(path).fetchDevices());
      expect(error.kind).toBe('too-large');
      expect(error.message).toMatch(/limit of 1 MB \(decompressed\)/);
    }
    const odd = await failure(seed('/odd').fetchDevices());
    expect(odd.message).toMatch(/compressed as "compress"/);
  });

  it('bounds the HTTPS client the UniFi source reads through', async () => {
    const sent = { bytes: 0 };
    const url = await serve(endless(sent));
    await expect(
      sendRequest(new URL(`${url}/x`), {
        timeoutMs: 5_000,
        fingerprint: null,
        maxBodyBytes: 500_000,
      }),
    ).rejects.toThrow(/larger than the limit of 0.5 MB/);
  });

  it('follows a redirect within the same server, never to another one', async () => {
    const other = await serve((_req, res) => {
      res.writeHead(200).end(JSON.stringify([device(9)]));
    });
    const url = await serve((req, res) => {
      if (req.url === '/moved/api/unifi/devices') {
        res.writeHead(301, { location: '/here/api/unifi/devices' }).end();
      } else if (req.url === '/here/api/unifi/devices') {
        res.writeHead(200).end(JSON.stringify([device(3)]));
      } else if (req.url === '/away/api/unifi/devices') {
        res.writeHead(302, { location: `${other}/api/unifi/devices` }).end();
      } else {
        res.writeHead(307, { location: req.url }).end();
      }
    });
    const seed = (path: string) =>
      createSeedApiSource({ apiUrl: `${url}${path}`, timeoutMs: 5_000 });
    const moved = await seed('/moved').fetchDevices();
    expect(moved.devices.map((d) => d.identity.name)).toEqual(['Dev 3']);
    const away = await failure(seed('/away').fetchDevices());
    expect(away.message).toContain(`redirected to another server (${other}); it was not followed`);
    const loop = await failure(seed('/loop').fetchDevices());
    expect(loop.message).toMatch(/redirected more than 5 times/);
  });

  it('caps Retry-After at an hour, and says so, whatever the server asks', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('2147484', now)).toBe(MAX_RETRY_AFTER_MS); // past Node's timer limit
    expect(readRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toMatchObject({
      ms: MAX_RETRY_AFTER_MS,
      clamped: true,
    });
    expect(readRetryAfter('9'.repeat(400), now)).toEqual({
      ms: MAX_RETRY_AFTER_MS,
      clamped: true,
      askedMs: null,
    });
    const url = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '99999999' }).end();
    });
    const error = await failure(
      createSeedApiSource({ apiUrl: url, timeoutMs: 5_000 }).fetchDevices(),
    );
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(error.message).toMatch(
      /polling pauses for 3600 s \(it asked for 99,999,999 s: capped at 60 minutes\)/,
    );
  });

  it('never sends a controller password or API key over plain http://', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests += 1;
      res.writeHead(200).end('{}');
    });
    for (const auth of [
      { kind: 'password', username: 'admin', password: 'secret' },
      { kind: 'api-key', apiKey: 'k' },
    ] as const) {
      const unifi = createUnifiSource({
        controllerUrl: url,
        auth,
        site: 'default',
        fingerprint: null,
        timeoutMs: 2_000,
      });
      const error = await failure(unifi.fetchDevices());
      expect(error.kind).toBe('login-refused');
      expect(error.message).toMatch(/unencrypted\. Polling stopped: use https:\/\//);
    }
    expect(requests).toBe(0);
  });

  it('stops a UniFi answer larger than the limit', async (ctx) => {
    const noOpenssl = opensslUnavailable();
    if (noOpenssl !== null) ctx.skip(`HTTPS tests need a certificate: ${noOpenssl}`);
    const certificate = selfSignedCertificate();
    const controller = await startFakeController({
      flavour: 'unifi-os',
      certificate,
      username: 'admin',
      password: 'pw',
      devices: () =>
        Array.from({ length: 2_000 }, (_, i) => ({ ...device(i % 200), mac: `02:00:00:00:${i}` })),
    });
    try {
      const unifi = createUnifiSource({
        controllerUrl: controller.url,
        auth: { kind: 'password', username: 'admin', password: 'pw' },
        site: 'default',
        fingerprint: certificate.fingerprint,
        timeoutMs: 2_000,
        maxResponseBytes: 50_000,
      });
      const error = await failure(unifi.fetchDevices());
      expect(error.kind).toBe('too-large');
      expect(error.message).toMatch(/UniFi controller at .* was not read: .*limit of 0.05 MB/);
    } finally {
      await controller.close();
    }
  });
});
