// npx tsx test/bench/ui-attacks.ts: tries the local-caller attacks of issue 11 on the real
// collector's --ui server (password-protected MariaDB account, fake MySQL server recording every
// byte) and prints one table row per attack with what happened. The assertions live in
// test/e2e/ui-server-attacks.test.ts; this prints the outcomes, also against an older build.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { startCollector } from '../support/collector-process';
import { startDeviceServer } from '../support/device-server';
import { startFakeMysqlServer } from '../support/fake-mysql-server';
import { adminConnection, createTestDatabase } from '../support/test-database';

const password = `stored-${randomBytes(6).toString('hex')}`;
const user = `bt_attack_${randomBytes(4).toString('hex')}`;
const db = await createTestDatabase();
const admin = await adminConnection();
await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', password]);
await admin.query('GRANT ALL PRIVILEGES ON ??.* TO ?@?', [db.settings.database, user, '127.0.0.1']);
const devices = await startDeviceServer(() => ({
  devices: [{ name: 'Office AP', mac: 'AA:BB:CC:DD:EE:01', rx_bytes: 1000, tx_bytes: 2000 }],
}));
const fake = await startFakeMysqlServer();
const collector = startCollector(
  ['--api-url', devices.url, '--interval', '0.5', '--ui-port', '0'],
  {
    BT_MYSQL_URL: `mysql://${user}:${password}@127.0.0.1:${db.settings.port}/${db.settings.database}`,
  },
);

function send(path: string, method: string, headers: Record<string, string>, body = '') {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let base = '';
const rows: string[][] = [];
try {
  await collector.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//, 1, 60_000);
  await collector.waitFor(/^📈 Updated/, 1, 60_000);
  base = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(collector.stdout)?.[1] ?? '';
  const page = await (await fetch(`${base}/`)).text();
  const token = /name="bt-ui-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  const own = { origin: base, 'x-bt-token': token, 'content-type': 'application/json' };
  const call = (name: string, args: unknown[], headers: Record<string, string>) =>
    send(`/api/call/${name}`, 'POST', headers, JSON.stringify({ args }));
  const paused = async () => JSON.parse((await call('getState', [], own)).text).result?.paused;
  const pause = async (
    what: string,
    headers: Record<string, string>,
    type = 'application/json',
  ) => {
    const answer = await call('setPaused', [true], { ...headers, 'content-type': type });
    const result = (await paused()) ? 'polling paused' : 'still polling';
    rows.push([what, `${answer.status}, ${result}`]);
    if (await paused()) await call('setPaused', [false], own);
  };
  await pause('`setPaused` without Origin or token (curl)', {});
  await pause('`setPaused` with a foreign Origin', { origin: 'http://evil.example' });
  await pause(
    '`setPaused` from a web page as a text/plain form post',
    { origin: 'http://evil.example' },
    'text/plain',
  );
  await pause('`setPaused` with our Origin, no token', { origin: base });
  await pause('`setPaused` with our Origin, a wrong token', {
    origin: base,
    'x-bt-token': 'x'.repeat(43),
  });
  const rebound = await call('setPaused', [true], { ...own, host: 'evil.example' });
  rows.push(['`setPaused` with Host `evil.example` (DNS rebinding)', `${rebound.status}`]);
  const events = await send('/api/events', 'GET', {});
  rows.push(['event stream without token', `${events.status}`]);

  const settings = JSON.parse((await call('getSettings', [], own)).text).result;
  const { passwordSet: _, ...database } = settings.database;
  const probe = await call(
    'testDatabase',
    [
      {
        ...settings,
        intervalSeconds: 60,
        database: { ...database, port: fake.port, password: null },
      },
    ],
    own,
  );
  const message = JSON.parse(probe.text).result?.message ?? probe.text;
  rows.push([
    '`testDatabase` with the page’s token, `password: null`, port of a fake MySQL server',
    `${fake.connections.length} connection(s), stored password ${fake.sawPassword(password) ? 'CAPTURED' : 'not seen'}: “${message.slice(0, 60)}…”`,
  ]);
  const certificate = await call('checkCertificate', [`https://127.0.0.1:${fake.port}`], own);
  rows.push([
    '`checkCertificate` of another local port',
    `${fake.connections.length} connection(s) in all: “${JSON.parse(certificate.text).result?.message}”`,
  ]);
  let limited = 0;
  for (let port = 1; port <= 30; port += 1) {
    const answer = await call('checkCertificate', [`https://127.0.0.1:${port}`], own);
    if (/Too many|only checks/.test(answer.text)) limited += 1;
  }
  rows.push(['30 `checkCertificate` calls to ports 1–30', `${30 - limited} handshakes tried`]);
  const history = await call(
    'getHistory',
    [{ range: 'custom', routerIds: [], timeZone: 'UTC', from: '2020-01-01', to: '9999-12-30' }],
    own,
  );
  const result = JSON.parse(history.text);
  rows.push([
    'history from 2020-01-01 to 9999-12-30',
    result.ok
      ? `${history.status}, ${result.result.summary.map((r: { rxBytes: string }) => r.rxBytes).join(', ')} B received`
      : `${history.status}: “${result.error}”`,
  ]);
} finally {
  collector.child.kill('SIGTERM');
  await collector.exited;
  await devices.close();
  await fake.close();
  await admin.query('DROP USER IF EXISTS ?@?', [user, '127.0.0.1']);
  await admin.end();
  await db.drop();
}
for (const [what, outcome] of rows) console.log(`| ${what} | ${outcome} |`);
