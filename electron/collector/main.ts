// The headless collector: the tray app's core, run from a terminal or a service manager.
import { CycleRecorder } from '../core/cycle-recorder';
import { describeMysqlError } from '../core/db/connection';
import { MigrationError } from '../core/db/migration-error';
import { openDatabase } from '../core/db/open-database';
import { Poller } from '../core/poller';
import { createSeedApiSource } from '../core/sources/seed-api-source';
import { ConfigError, readCollectorConfig, USAGE } from './config';

async function main(): Promise<number> {
  let config: ReturnType<typeof readCollectorConfig>;
  try {
    config = readCollectorConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Bandwidth Tracker collector: ${error.message}`);
    return 2;
  }
  if (config === null) {
    console.log(USAGE);
    return 0;
  }

  // Ctrl+C or a service stop lets the cycle in progress finish, then exits cleanly.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`Received ${signal}: finishing the current cycle, then stopping.`);
      stop.abort();
    });
  }

  const log = (line: string) => console.log(line);
  const source = createSeedApiSource({ apiUrl: config.apiUrl, timeoutMs: config.timeoutMs });
  log(
    `Bandwidth Tracker collector: polling the ${source.description} every ${config.intervalMs / 1000} s into MySQL ${config.mysql.host}:${config.mysql.port}/${config.mysql.database}`,
  );

  let pool: Awaited<ReturnType<typeof openDatabase>>;
  try {
    pool = await openDatabase(config.mysql, {
      retryMs: Math.min(config.intervalMs, 5_000),
      signal: stop.signal,
      log,
    });
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(`Cannot prepare the database: ${error.message}`);
      return 1;
    }
    console.error(`Cannot prepare the database: ${describeMysqlError(error, config.mysql)}`);
    return 1;
  }
  if (pool === null) return 0;

  const settings = config.mysql;
  try {
    const poller = new Poller({
      source,
      recorder: new CycleRecorder(pool),
      intervalMs: config.intervalMs,
      describeDatabaseError: (error) => describeMysqlError(error, settings),
      log,
    });
    const cycles = await poller.run({ cycles: config.cycles, signal: stop.signal });
    log(`Stopped after ${cycles} cycle(s).`);
    return 0;
  } finally {
    await pool.end().catch(() => {});
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`Bandwidth Tracker collector stopped on an unexpected error: ${String(error)}`);
    console.error(error);
    process.exitCode = 1;
  },
);
