import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSiteSelection } from '../../shared/unifi-sites';
import { REBOOT_POLICIES, type RebootPolicy } from '../core/counter-reset';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../core/db/retention';
import { DEFAULT_MYSQL_URL, type MysqlSettings, parseMysqlUrl } from '../core/db/settings';
import { edgeMarksFrom } from '../core/edge-marks';

/** The demo's own database, as `npm run demo` uses (shared/settings.ts DEMO_SETTINGS). */
export const DEFAULT_DEMO_MYSQL_URL = 'mysql://root@127.0.0.1:3306/bandwidth_tracker_demo';

import { type QuotaDefinition, workstationTimeZone } from '../../shared/quota';
import { checkOfflinePolls, isTimeZone } from '../../shared/quota-input';
import { parseQuotaSpec } from '../../shared/quota-spec';
import { DEFAULT_JOURNAL_LIMIT } from '../core/journal';
import { DEFAULT_MAX_RESPONSE_MB, megabytes } from '../core/sources/bounded-body';
import { DEFAULT_PARALLEL_FETCHES } from '../core/sources/bounded-parallel';
import { describeSource, type SourceSettings } from '../core/sources/create-source';
import { normalizeFingerprint } from '../core/sources/https-client';
import { DEFAULT_API_URL } from '../core/sources/seed-api-source';
import type { UnifiAuth } from '../core/sources/unifi-source';
import { DEFAULT_MAX_LINK_GBPS } from '../core/tracker';

export interface CollectorConfig {
  apiUrl: string;
  /** What to poll: the seed API (default), a UniFi controller, or the demo network. */
  source: SourceSettings;
  /** Everything polled: `[source]`, or the entries of `--sources FILE`, polled at once. */
  sources: SourceSettings[];
  /** Sources asked at once when there are several. */
  parallelSources: number;
  mysql: MysqlSettings;
  intervalMs: number;
  timeoutMs: number;
  /** Stop after this many poll cycles; undefined runs until SIGINT/SIGTERM. */
  cycles: number | undefined;
  /** Serve the pages and the contract over HTTP on 127.0.0.1 (`--ui`). */
  ui: { port: number } | null;
  retention: RetentionPolicy;
  /** Print only each cycle's summary and problems, not a line per device. */
  quiet: boolean;
  /** Where cycles wait while the database is unreachable. */
  journal: { path: string; limit: number };
  /** Faster than this, a counter jump is a glitch, not traffic. */
  maxLinkGbps: number;
  /** What a true reboot counts: nothing (the design) or, where exact, the traffic since. */
  rebootPolicy: RebootPolicy;
  /** The most one answer of the device source may hold, in bytes (as sent and decompressed). */
  maxResponseBytes: number;
  /** Routers to mark as the internet edge, by name or MAC (`--edge`, repeatable; `BT_EDGE`). */
  edgeMarks: string[];
  /** `--quota`, repeatable: each sets its target's quota in MySQL at start. */
  quotas: QuotaDefinition[];
  /** `--offline-polls`: stored in MySQL at start when given. */
  offlinePolls: number | undefined;
}

/** `$XDG_STATE_HOME/bandwidth-tracker/journal.jsonl`, or under ~/.local/state. */
export function defaultJournalPath(env: Env): string {
  const state = env.XDG_STATE_HOME ?? join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'bandwidth-tracker', 'journal.jsonl');
}

/** A setting with a bad value: the message names the setting, the value and what is expected. */
export class ConfigError extends Error {}

export const USAGE = `Usage: npm run collector -- [options]

  --source KIND      seed (the UniFi API server, default), unifi (a UniFi controller
                     directly) or demo (a simulated network) (env BT_SOURCE)
  --api-url URL      base URL of the UniFi API server (env BT_API_URL; default ${DEFAULT_API_URL})
  --controller-url URL  with --source unifi: https://controller[:port] (env BT_CONTROLLER_URL)
  --username U --password P  a local controller account (env BT_USERNAME, BT_PASSWORD)
  --api-key K        or an API key instead (env BT_API_KEY)
  --site NAME        the site's short name (env BT_SITE; default default); several
                     separated by commas (default,branch_2), or all for every site the
                     account may read
  --sources FILE     several sources at once, from a JSON file (env BT_SOURCES); each entry
                     {"source":"unifi","controllerUrl":…,"site":…,"username":…,
                     "passwordEnv":"NAME" or "password":…,"apiKeyEnv"/"apiKey",
                     "fingerprint":…} or {"source":"seed","apiUrl":…}; see the README
  --parallel-sources N  sources asked at once with --sources (env BT_PARALLEL_SOURCES;
                     default ${DEFAULT_PARALLEL_FETCHES})
  --fingerprint SHA256  trust this certificate (hex, colons optional) (env BT_FINGERPRINT)
  --mysql-url URL    mysql://user:password@host:3306/database (env BT_MYSQL_URL;
                     default ${DEFAULT_MYSQL_URL}; with --source demo
                     ${DEFAULT_DEMO_MYSQL_URL})
  --interval SECONDS seconds between polls, fractions allowed (env BT_INTERVAL; default 60)
  --timeout SECONDS  how long to wait for the device API (env BT_TIMEOUT; default 10)
  --cycles N         stop after N poll cycles (default: run until Ctrl+C)
  --ui               also serve the popover, history and settings pages on 127.0.0.1
  --ui-port PORT     port for --ui (env BT_UI_PORT; default 8787; 0 picks a free one)
  --keep-raw-days N     days of raw snapshots and legacy log rows to keep (default 30)
  --keep-hourly-days N  days of hourly history to keep (default 400, about 13 months)
  --keep-daily-days N   days of daily history to keep (default 0: forever)
  --journal PATH     where cycles wait while MySQL is unreachable (env BT_JOURNAL;
                     default $XDG_STATE_HOME/bandwidth-tracker/journal.jsonl); give each
                     collector on one machine its own
  --journal-limit N  device readings the journal keeps at most (env BT_JOURNAL_LIMIT;
                     default ${DEFAULT_JOURNAL_LIMIT}: 7 days of one-minute polls of 100 routers)
  --max-link-gbps N  a counter jump faster than this is a glitch, not traffic
                     (env BT_MAX_LINK_GBPS; default ${DEFAULT_MAX_LINK_GBPS})
  --reboot-policy P  what a reboot counts: new-baseline (nothing, the design's rule; default)
                     or count-since-reboot (the counters since the reboot, when the device
                     booted after the last poll) (env BT_REBOOT_POLICY)
  --max-response-mb N  the most one answer of the device source may hold, in MB, as sent
                     and decompressed (env BT_MAX_RESPONSE_MB; default ${DEFAULT_MAX_RESPONSE_MB})
  --edge NAME_OR_MAC mark a router as the internet edge: the totals count the edge routers
                     only (repeatable; env BT_EDGE, comma-separated). Stored in MySQL for
                     every copy; a UniFi gateway's WAN is the edge without it
  --quota TARGET=SIZE[@DAY]  a monthly quota with billing day DAY (default 1); or
                     TARGET=SIZE/week or TARGET=SIZE/day; optionally ending :down, :up or
                     :both (default). TARGET is wan (the internet: every edge router),
                     wan@SITE, a router name or a MAC; SIZE in decimal units (1TB). Repeatable;
                     stored in MySQL, replacing that target's quota. Days are counted in this
                     computer's time zone (TZ). Announced at 80, 90 and 100 %.
  --offline-polls N  announce a router offline after N polls without it (default 3; stored
                     in MySQL)
  --quiet            print each cycle's summary and problems only, not a line per device
  --help             show this help`;

type Env = Record<string, string | undefined>;

/** Flags win over environment variables, which win over defaults. Returns null for --help. */
export function readCollectorConfig(argv: readonly string[], env: Env): CollectorConfig | null {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'api-url': { type: 'string' },
        source: { type: 'string' },
        'controller-url': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        'api-key': { type: 'string' },
        site: { type: 'string' },
        sources: { type: 'string' },
        'parallel-sources': { type: 'string' },
        fingerprint: { type: 'string' },
        'mysql-url': { type: 'string' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        cycles: { type: 'string' },
        ui: { type: 'boolean' },
        'ui-port': { type: 'string' },
        'keep-raw-days': { type: 'string' },
        'keep-hourly-days': { type: 'string' },
        'keep-daily-days': { type: 'string' },
        quiet: { type: 'boolean' },
        journal: { type: 'string' },
        'journal-limit': { type: 'string' },
        'max-link-gbps': { type: 'string' },
        'reboot-policy': { type: 'string' },
        'max-response-mb': { type: 'string' },
        edge: { type: 'string', multiple: true },
        quota: { type: 'string', multiple: true },
        'offline-polls': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help === true) return null;

  const pick = (flag: string, envName: string): { value: string; from: string } | undefined => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return { value: fromFlag, from: `--${flag}` };
    // Repeatable flags (`--quota`) are read on their own, never from here.
    if (Array.isArray(fromFlag)) return undefined;
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: envName };
    return undefined;
  };

  const api = pick('api-url', 'BT_API_URL');
  const mysqlUrl = pick('mysql-url', 'BT_MYSQL_URL');
  const interval = pick('interval', 'BT_INTERVAL');
  const timeout = pick('timeout', 'BT_TIMEOUT');
  const cycles = pick('cycles', 'BT_CYCLES');
  const uiPort = pick('ui-port', 'BT_UI_PORT');
  const journalPath = pick('journal', 'BT_JOURNAL');
  const journalLimit = pick('journal-limit', 'BT_JOURNAL_LIMIT');
  const maxLink = pick('max-link-gbps', 'BT_MAX_LINK_GBPS');
  const maxResponse = pick('max-response-mb', 'BT_MAX_RESPONSE_MB');
  const rebootPolicy = pick('reboot-policy', 'BT_REBOOT_POLICY');
  const keep = (flag: string, envName: string, fallback: number) => {
    const value = pick(flag, envName);
    return value === undefined ? fallback : readDays(value.value, value.from);
  };

  const apiUrl = api === undefined ? DEFAULT_API_URL : readHttpUrl(api.value, api.from);
  const sourcesFile = pick('sources', 'BT_SOURCES');
  const sources =
    sourcesFile === undefined
      ? [readSource(pick, apiUrl)]
      : readSourcesFile(sourcesFile.value, sourcesFile.from, env);
  const source = sources[0] as SourceSettings;
  const parallel = pick('parallel-sources', 'BT_PARALLEL_SOURCES');
  // The demo never writes simulated traffic into the real database unless told to.
  const defaultMysqlUrl = source.kind === 'demo' ? DEFAULT_DEMO_MYSQL_URL : DEFAULT_MYSQL_URL;
  return {
    apiUrl,
    source,
    sources,
    parallelSources:
      parallel === undefined
        ? DEFAULT_PARALLEL_FETCHES
        : readCount(parallel.value, parallel.from, 'sources'),
    mysql: readMysql(mysqlUrl?.value ?? defaultMysqlUrl, mysqlUrl?.from ?? '--mysql-url'),
    intervalMs: interval === undefined ? 60_000 : readSeconds(interval.value, interval.from),
    timeoutMs: timeout === undefined ? 10_000 : readSeconds(timeout.value, timeout.from),
    cycles: cycles === undefined ? undefined : readCount(cycles.value, cycles.from),
    ui:
      values.ui === true || uiPort !== undefined
        ? { port: uiPort === undefined ? 8787 : readPort(uiPort.value, uiPort.from) }
        : null,
    retention: {
      rawDays: keep('keep-raw-days', 'BT_KEEP_RAW_DAYS', DEFAULT_RETENTION.rawDays),
      hourlyDays: keep('keep-hourly-days', 'BT_KEEP_HOURLY_DAYS', DEFAULT_RETENTION.hourlyDays),
      dailyDays: keep('keep-daily-days', 'BT_KEEP_DAILY_DAYS', DEFAULT_RETENTION.dailyDays),
    },
    quiet: values.quiet === true,
    journal: {
      path: journalPath?.value ?? defaultJournalPath(env),
      limit:
        journalLimit === undefined
          ? DEFAULT_JOURNAL_LIMIT
          : readCount(journalLimit.value, journalLimit.from, 'device readings'),
    },
    maxLinkGbps:
      maxLink === undefined ? DEFAULT_MAX_LINK_GBPS : readGbps(maxLink.value, maxLink.from),
    rebootPolicy: readRebootPolicy(rebootPolicy),
    edgeMarks: edgeMarksFrom(values.edge as string[] | undefined, env.BT_EDGE),
    quotas: readQuotas(values.quota, env.TZ),
    offlinePolls:
      typeof values['offline-polls'] === 'string'
        ? readOfflinePolls(values['offline-polls'])
        : undefined,
    maxResponseBytes: megabytes(
      maxResponse === undefined
        ? DEFAULT_MAX_RESPONSE_MB
        : readMegabytes(maxResponse.value, maxResponse.from),
    ),
  };
}

function readQuotas(given: unknown, tz: string | undefined): QuotaDefinition[] {
  const specs = Array.isArray(given) ? given.map(String) : [];
  const zone = tz !== undefined && tz !== '' && isTimeZone(tz) ? tz : workstationTimeZone();
  return specs.map((spec) => {
    const parsed = parseQuotaSpec(spec, zone);
    if (!parsed.ok) throw new ConfigError(`--quota ${parsed.reason}`);
    return parsed.quota;
  });
}

function readOfflinePolls(text: string): number {
  const value = Number(text);
  const problem = /^\d+$/.test(text) ? checkOfflinePolls(value) : 'Give a whole number.';
  if (problem !== null) throw new ConfigError(`--offline-polls "${text}": ${problem}`);
  return value;
}

type Pick = (flag: string, envName: string) => { value: string; from: string } | undefined;

function readRebootPolicy(picked: { value: string; from: string } | undefined): RebootPolicy {
  if (picked === undefined) return 'new-baseline';
  const policy = REBOOT_POLICIES.find((p) => p === picked.value);
  if (policy === undefined) {
    throw new ConfigError(
      `${picked.from} "${picked.value}" is not a reboot policy; use ${REBOOT_POLICIES.join(' or ')}`,
    );
  }
  return policy;
}

function readSource(pick: Pick, apiUrl: string): SourceSettings {
  const kind = pick('source', 'BT_SOURCE');
  switch (kind?.value ?? 'seed') {
    case 'seed':
      return { kind: 'seed', apiUrl };
    case 'demo':
      return { kind: 'demo' };
    case 'unifi':
      break;
    default:
      throw new ConfigError(
        `${kind?.from} "${kind?.value}" is not a source; use seed, unifi or demo`,
      );
  }
  const url = pick('controller-url', 'BT_CONTROLLER_URL');
  if (url === undefined) {
    throw new ConfigError('--source unifi needs --controller-url, for example https://192.168.1.1');
  }
  const controllerUrl = readHttpUrl(url.value, url.from);
  const username = pick('username', 'BT_USERNAME');
  const password = pick('password', 'BT_PASSWORD');
  const apiKey = pick('api-key', 'BT_API_KEY');
  let auth: UnifiAuth;
  if (apiKey !== undefined) {
    auth = { kind: 'api-key', apiKey: apiKey.value };
  } else if (username !== undefined && password !== undefined) {
    auth = { kind: 'password', username: username.value, password: password.value };
  } else {
    throw new ConfigError(
      '--source unifi needs --username and --password (a local controller account) or --api-key',
    );
  }
  const site = pick('site', 'BT_SITE');
  if (site !== undefined) checkSites(site.value, site.from);
  const fingerprint = pick('fingerprint', 'BT_FINGERPRINT');
  if (fingerprint !== undefined && normalizeFingerprint(fingerprint.value) === null) {
    throw new ConfigError(
      `${fingerprint.from} is not a SHA-256 fingerprint: expected 64 hexadecimal digits, colons allowed`,
    );
  }
  return {
    kind: 'unifi',
    controllerUrl,
    auth,
    site: site?.value ?? 'default',
    fingerprint: fingerprint === undefined ? null : normalizeFingerprint(fingerprint.value),
  };
}

function checkSites(text: string, from: string): void {
  if (parseSiteSelection(text) === null) {
    throw new ConfigError(
      `${from} "${text}" is not a site's short name (such as default), several separated by commas, or all`,
    );
  }
}

/**
 * `--sources FILE`: a JSON array of sources polled at once. Secrets may stay out of the file:
 * `passwordEnv`/`apiKeyEnv` name an environment variable that holds them.
 */
function readSourcesFile(path: string, from: string, env: Env): SourceSettings[] {
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `${from} ${path} cannot be read as JSON (${(error as Error).message}): give a file holding a list of sources, see --help`,
    );
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigError(`${from} ${path} must hold a list of one or more sources, see --help`);
  }
  const sources = entries.map((entry: unknown, index) => {
    const where = `${from} ${path}, source ${index + 1}`;
    const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const field = (name: string): { value: string; from: string } | undefined => {
      const value = fields[name];
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value !== 'string') throw new ConfigError(`${where}: "${name}" must be text`);
      return { value, from: `${where} "${name}"` };
    };
    const secret = (name: string): { value: string; from: string } | undefined => {
      const named = field(`${name}Env`);
      if (named === undefined) return field(name);
      const value = env[named.value];
      if (value === undefined || value === '') {
        throw new ConfigError(`${where}: the environment variable ${named.value} is not set`);
      }
      return { value, from: named.value };
    };
    const byName: Record<string, string> = {
      source: 'source',
      'api-url': 'apiUrl',
      'controller-url': 'controllerUrl',
      username: 'username',
      site: 'site',
      fingerprint: 'fingerprint',
    };
    const pick: Pick = (flag) =>
      flag === 'password' || flag === 'api-key'
        ? secret(flag === 'password' ? 'password' : 'apiKey')
        : field(byName[flag] ?? flag);
    const kind = field('source')?.value;
    if (kind === 'demo')
      throw new ConfigError(`${where}: the demo runs alone, not with other sources`);
    if (kind === undefined) throw new ConfigError(`${where}: "source" must be unifi or seed`);
    const apiUrl = field('apiUrl');
    try {
      return readSource(
        pick,
        apiUrl === undefined ? DEFAULT_API_URL : readHttpUrl(apiUrl.value, apiUrl.from),
      );
    } catch (error) {
      if (!(error instanceof ConfigError) || error.message.startsWith(where)) throw error;
      // readSource names the flags; in a file they are the entry's fields.
      throw new ConfigError(
        `${where}: ${error.message.replaceAll('--controller-url', '"controllerUrl"').replaceAll('--username', '"username"').replaceAll('--password', '"password"').replaceAll('--api-key', '"apiKey"').replaceAll('--source unifi', 'a unifi source')}`,
      );
    }
  });
  // Counters are stored under the server they came from: the same server twice would be one.
  const servers = sources.map((source) =>
    source.kind === 'unifi' ? new URL(source.controllerUrl).origin : describeSource(source),
  );
  const twice = servers.findIndex((server, i) => servers.indexOf(server) !== i);
  if (twice >= 0) {
    throw new ConfigError(
      `${from} ${path} lists ${describeSource(sources[twice] as SourceSettings)} twice: list a server once (a controller's sites go together in its "site", separated by commas, or all)`,
    );
  }
  return sources;
}

function readGbps(text: string, setting: string): number {
  const gbps = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(gbps) || gbps <= 0) {
    throw new ConfigError(
      `${setting} "${text}" is not a speed in Gbps greater than 0; for example 10 or 2.5`,
    );
  }
  return gbps;
}

function readMegabytes(text: string, setting: string): number {
  const mb = Number(text.trim());
  // Above ~500 MB the answer could not become one JavaScript string (V8's limit is ~536 MB).
  if (text.trim() === '' || !Number.isFinite(mb) || mb < 0.001 || mb > 500) {
    throw new ConfigError(
      `${setting} "${text}" is not a size in MB from 0.001 to 500; for example ${DEFAULT_MAX_RESPONSE_MB}`,
    );
  }
  return mb;
}

function readDays(text: string, setting: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new ConfigError(`${setting} "${text}" is not a whole number of days (0 keeps forever)`);
  }
  return Number(text);
}

function readHttpUrl(text: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `${setting} "${text}" is not a URL; expected for example ${DEFAULT_API_URL}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${setting} "${text}" must start with http:// or https://`);
  }
  return text;
}

function readMysql(text: string, setting: string): MysqlSettings {
  try {
    return parseMysqlUrl(text);
  } catch (error) {
    throw new ConfigError(`${setting}: ${(error as Error).message}`);
  }
}

function readSeconds(text: string, setting: string): number {
  const seconds = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(
      `${setting} "${text}" is not a number of seconds greater than 0; for example 60 or 0.2`,
    );
  }
  if (seconds > 86_400) throw new ConfigError(`${setting} "${text}" is more than a day (86400 s)`);
  return Math.round(seconds * 1000);
}

function readCount(text: string, setting: string, unit = 'cycles'): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new ConfigError(`${setting} "${text}" is not a whole number of ${unit} of at least 1`);
  }
  return Number(text);
}

function readPort(text: string, setting: string): number {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new ConfigError(`${setting} "${text}" is not a port number from 0 to 65535`);
  }
  return port;
}
