// The headless collector: the tray app's core, run from a terminal or a service manager.

import type { MoreSource } from '../../shared/more-sources';
import { DEFAULT_UNIFI, type Settings } from '../../shared/settings';
import { BandwidthService } from '../core/bandwidth-service';
import { createCallHandlers } from '../core/call-handlers';
import { describeMysqlError } from '../core/db/connection';
import { MigrationError } from '../core/db/migration-error';
import { FixedSettingsStore } from '../core/settings-store';
import { RESPONSE_LIMIT_SETTING } from '../core/sources/bounded-body';
import { describeSources, type SourceSettings } from '../core/sources/create-source';
import { gbpsToBytesPerSecond } from '../core/tracker';
import { startUiServer, type UiServer } from '../core/ui-server';
import { type CollectorConfig, ConfigError, readCollectorConfig, USAGE } from './config';
import { consoleLines } from './console-output';
import { ensureRendererBuilt, RENDERER_DIR } from './renderer-build';

async function main(): Promise<number> {
  let config: CollectorConfig | null;
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

  const log = consoleLines();
  // Ctrl+C or a service stop lets the cycle in progress finish, then exits cleanly.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`Received ${signal}: finishing the current cycle, then stopping.`);
      stop.abort();
    });
  }

  const service = new BandwidthService({
    settings: {
      apiUrl: config.apiUrl,
      source: config.source,
      ...(config.sources.length > 1
        ? { sources: config.sources, parallelSources: config.parallelSources }
        : {}),
      intervalMs: config.intervalMs,
      timeoutMs: config.timeoutMs,
      mysql: config.mysql,
      retention: config.retention,
      maxResponseBytes: config.maxResponseBytes,
    },
    log,
    quiet: config.quiet,
    journal: config.journal,
    limits: {
      maxBytesPerSecond: gbpsToBytesPerSecond(config.maxLinkGbps),
      rebootPolicy: config.rebootPolicy,
    },
    mysqlSettingsName: '--mysql-url',
    responseLimitSettingName: RESPONSE_LIMIT_SETTING,
    edgeMarks: config.edgeMarks,
    quotas: config.quotas,
    offlinePolls: config.offlinePolls,
  });
  log(
    `Bandwidth Tracker collector: polling ${describeSources(config.sources)} every ${config.intervalMs / 1000} s into MySQL ${config.mysql.host}:${config.mysql.port}/${config.mysql.database}`,
  );

  let ui: UiServer | null = null;
  if (config.ui !== null) {
    await ensureRendererBuilt(log);
    const store = new FixedSettingsStore({
      source: config.source.kind,
      unifi: settingsUnifiOf(config.source),
      apiUrl: config.apiUrl,
      intervalSeconds: config.intervalMs / 1000,
      database: config.mysql,
      notifications: false,
      launchAtLogin: false,
      maxResponseMb: config.maxResponseBytes / 1_000_000,
      ...(config.sources.length > 1
        ? { moreSources: config.sources.slice(1).flatMap(moreSourceOf) }
        : {}),
    });
    const handlers = createCallHandlers(service, store, {
      openWindow: () => {
        // In a browser the page opens the other page itself.
      },
    });
    ui = await startUiServer({
      handlers,
      subscribe: (event, listener) => service.on(event, listener),
      staticDir: RENDERER_DIR,
      port: config.ui.port,
      log,
    });
    log(`Browser view: ${ui.url}/ (history: ${ui.url}/history.html)`);
  }

  try {
    const cycles = await service.run({ cycles: config.cycles, signal: stop.signal });
    log(`Stopped after ${cycles} cycle(s).`);
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(`Cannot prepare the database: ${error.message}`);
      return 1;
    }
    console.error(`Cannot prepare the database: ${describeMysqlError(error, config.mysql)}`);
    return 1;
  } finally {
    await ui?.close();
  }
}

/** The collector's source as the settings page shows it (read-only, secrets left out). */
function settingsUnifiOf(source: SourceSettings): Settings['unifi'] {
  if (source.kind !== 'unifi') return DEFAULT_UNIFI;
  return {
    controllerUrl: source.controllerUrl,
    username: source.auth.kind === 'password' ? source.auth.username : '',
    password: '',
    apiKey: '',
    site: source.site,
    fingerprint: source.fingerprint ?? '',
  };
}

/** A further source of `--sources`, as the read-only settings page shows it (secrets left out). */
function moreSourceOf(source: SourceSettings): MoreSource[] {
  if (source.kind === 'seed') return [{ kind: 'seed', apiUrl: source.apiUrl }];
  if (source.kind !== 'unifi') return [];
  return [
    {
      kind: 'unifi',
      controllerUrl: source.controllerUrl,
      username: source.auth.kind === 'password' ? source.auth.username : '',
      password: '',
      apiKey: '',
      site: source.site,
      fingerprint: source.fingerprint ?? '',
    },
  ];
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
