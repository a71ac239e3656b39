// A cycle larger than the server's max_allowed_packet is sent in several statements, in its one
// transaction: on a private MariaDB whose limit is lowered to 64 KB (the shared server is left alone).
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CycleRecorder } from '../../electron/core/cycle-recorder';
import { createPool, ensureDatabase } from '../../electron/core/db/connection';
import { migrate } from '../../electron/core/db/migrate';
import { parseMysqlUrl } from '../../electron/core/db/settings';
import { parseDevicePayload } from '../../electron/core/payload';
import { PrivateMariaDb, privateMariaDbUnavailable } from '../support/private-mariadb';

const PACKET = 65_536;
const unavailable = privateMariaDbUnavailable();
let server: PrivateMariaDb | null = null;
let pool: Pool | null = null;

beforeAll(async () => {
  if (unavailable !== null) return;
  server = await PrivateMariaDb.create();
  const admin = await mysql.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
  });
  // Connections opened from now on get the lowered limit.
  await admin.query('SET GLOBAL max_allowed_packet = ?', [PACKET]);
  await admin.end();
  const settings = parseMysqlUrl(server.url('bt_packet'));
  await ensureDatabase(settings);
  pool = createPool(settings);
  await migrate(pool, () => {});
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await server?.destroy();
});

const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 20, n, 5));

/** `count` routers with long names (new routers are inserted with their names). */
function site(count: number, step: number) {
  return parseDevicePayload(
    Array.from({ length: count }, (_, i) => ({
      name: `Access point number ${i} on the third floor, east wing`,
      mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      rx_bytes: 1_000_000 + i + step * (1_000 + i),
      tx_bytes: 500_000 + step * 10,
      uptime: 1_000 + step * 60,
      xput_down: 123.456789,
      xput_up: 12.3456789,
      latency: 4.5,
    })),
  ).devices;
}

describe('a cycle above max_allowed_packet', () => {
  it('is split to fit and still counts exactly, in one transaction per cycle', async (ctx) => {
    if (pool === null) return ctx.skip(`needs a private MariaDB server: ${unavailable}`);
    const [[limit]] = await pool.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS p');
    expect(Number(limit?.p)).toBe(PACKET);
    // The server does refuse a statement above it (ER_NET_PACKET_TOO_LARGE, or the connection
    // reset while the packet is still being written): what an unsplit cycle would hit.
    const probe = await mysql.createConnection({
      host: '127.0.0.1',
      port: server?.port,
      user: 'root',
    });
    probe.on('error', () => {});
    const refused = await probe.query('SELECT LENGTH(?) AS n', ['x'.repeat(2 * PACKET)]).then(
      () => null,
      (error: unknown) => error,
    );
    probe.destroy();
    expect(String(refused)).toMatch(/max_allowed_packet|ECONNRESET|EPIPE|Connection lost/);
    // A single upload of this cycle is several times the limit.
    const count = 2_000;
    const recorder = new CycleRecorder(pool);
    const first = await recorder.record(site(count, 0), minute(0));
    const second = await recorder.record(site(count, 1), minute(1));
    expect(first.tracked).toHaveLength(count);
    // Several statements were needed where one round trip would have been refused.
    expect(second.roundTrips).toBeGreaterThan(1);
    const [sums] = await pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS routers, SUM(total_rx_bytes) AS rx,
              (SELECT SUM(rx_bytes_diff) FROM bandwidth_snapshots) AS diffs,
              (SELECT COUNT(*) FROM bandwidth_snapshots) AS snapshots,
              (SELECT COUNT(*) FROM bandwidth_logs) AS logs,
              (SELECT COUNT(*) FROM poll_cycles) AS cycles
         FROM routers`,
    );
    const counted = (count * (count - 1)) / 2 + 1_000 * count;
    expect(sums?.[0]).toEqual({
      routers: String(count),
      rx: String(1_000_000 * count + (count * (count - 1)) / 2 + counted),
      diffs: String(counted),
      snapshots: String(2 * count),
      logs: String(2 * count),
      cycles: '2',
    });
  });
});
