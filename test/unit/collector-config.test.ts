import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultJournalPath,
  readCollectorConfig,
} from '../../electron/collector/config';

describe('readCollectorConfig', () => {
  it('uses the documented defaults', () => {
    expect(readCollectorConfig([], {})).toEqual({
      apiUrl: 'http://127.0.0.1:5001',
      mysql: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: 'bandwidth_tracker',
      },
      intervalMs: 60_000,
      timeoutMs: 10_000,
      cycles: undefined,
      ui: null,
      retention: { rawDays: 30, hourlyDays: 400, dailyDays: 0 },
      quiet: false,
      journal: { path: defaultJournalPath({}), limit: 1_008_000 },
      maxLinkGbps: 10,
      rebootPolicy: 'new-baseline',
      quotas: [],
      offlinePolls: undefined,
      maxResponseBytes: 64_000_000,
      source: { kind: 'seed', apiUrl: 'http://127.0.0.1:5001' },
      edgeMarks: [],
      sources: [{ kind: 'seed', apiUrl: 'http://127.0.0.1:5001' }],
      parallelSources: 4,
    });
    expect(defaultJournalPath({ XDG_STATE_HOME: '/var/lib/bt' })).toBe(
      '/var/lib/bt/bandwidth-tracker/journal.jsonl',
    );
  });

  it('reads --edge (repeatable), else BT_EDGE comma-separated, each name once', () => {
    expect(
      readCollectorConfig(['--edge', 'Gateway', '--edge=aa:bb:cc:dd:ee:ff', '--edge', 'Gateway'], {
        BT_EDGE: 'Ignored',
      })?.edgeMarks,
    ).toEqual(['Gateway', 'aa:bb:cc:dd:ee:ff']);
    expect(readCollectorConfig([], { BT_EDGE: 'USG, UCG Fiber ,,' })?.edgeMarks).toEqual([
      'USG',
      'UCG Fiber',
    ]);
  });

  it('reads the response limit in MB, the flag winning over BT_MAX_RESPONSE_MB', () => {
    expect(readCollectorConfig([], { BT_MAX_RESPONSE_MB: '200' })?.maxResponseBytes).toBe(
      200_000_000,
    );
    expect(
      readCollectorConfig(['--max-response-mb', '0.5'], { BT_MAX_RESPONSE_MB: '200' })
        ?.maxResponseBytes,
    ).toBe(500_000);
    expect(() => readCollectorConfig(['--max-response-mb', 'lots'], {})).toThrow(
      /--max-response-mb "lots" is not a size in MB/,
    );
    expect(() => readCollectorConfig(['--max-response-mb', '501'], {})).toThrow(
      /from 0.001 to 500/,
    );
    expect(() => readCollectorConfig([], { BT_MAX_RESPONSE_MB: '0' })).toThrow(
      /BT_MAX_RESPONSE_MB "0" is not a size in MB/,
    );
  });

  it('reads the reboot policy, the flag winning over BT_REBOOT_POLICY, and refuses others', () => {
    const env = { BT_REBOOT_POLICY: 'count-since-reboot' };
    expect(readCollectorConfig([], env)?.rebootPolicy).toBe('count-since-reboot');
    expect(readCollectorConfig(['--reboot-policy', 'new-baseline'], env)?.rebootPolicy).toBe(
      'new-baseline',
    );
    expect(() => readCollectorConfig(['--reboot-policy', 'count'], {})).toThrow(
      '--reboot-policy "count" is not a reboot policy; use new-baseline or count-since-reboot',
    );
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      BT_API_URL: 'http://env:1',
      BT_MYSQL_URL: 'mysql://u:p%40ss@db.local:3307/stats',
      BT_INTERVAL: '30',
    };
    const fromEnv = readCollectorConfig([], env);
    expect(fromEnv?.apiUrl).toBe('http://env:1');
    expect(fromEnv?.mysql).toEqual({
      host: 'db.local',
      port: 3307,
      user: 'u',
      password: 'p@ss',
      database: 'stats',
    });
    expect(fromEnv?.intervalMs).toBe(30_000);
    const flags = readCollectorConfig(
      ['--api-url', 'http://flag:2', '--interval', '0.2', '--cycles', '3'],
      env,
    );
    expect(flags?.apiUrl).toBe('http://flag:2');
    expect(flags?.intervalMs).toBe(200);
    expect(flags?.cycles).toBe(3);
  });

  it('turns on the browser view with --ui or --ui-port', () => {
    expect(readCollectorConfig(['--ui'], {})?.ui).toEqual({ port: 8787 });
    expect(readCollectorConfig(['--ui-port', '0'], {})?.ui).toEqual({ port: 0 });
    expect(() => readCollectorConfig(['--ui-port', 'http'], {})).toThrow('--ui-port "http"');
  });

  it('reads the retention policy in days', () => {
    const config = readCollectorConfig(['--keep-raw-days', '7', '--keep-daily-days', '3650'], {
      BT_KEEP_HOURLY_DAYS: '90',
    });
    expect(config?.retention).toEqual({ rawDays: 7, hourlyDays: 90, dailyDays: 3650 });
    expect(() => readCollectorConfig(['--keep-raw-days', 'a week'], {})).toThrow(
      '--keep-raw-days "a week"',
    );
  });

  it('reads a UniFi controller source from flags or the environment', () => {
    const fingerprint = `${'ab:'.repeat(31)}ab`;
    expect(
      readCollectorConfig(
        [
          '--source',
          'unifi',
          '--controller-url',
          'https://192.168.1.1',
          '--fingerprint',
          fingerprint,
        ],
        { BT_USERNAME: 'admin', BT_PASSWORD: 'secret' },
      )?.source,
    ).toEqual({
      kind: 'unifi',
      controllerUrl: 'https://192.168.1.1',
      auth: { kind: 'password', username: 'admin', password: 'secret' },
      site: 'default',
      fingerprint: 'AB'.repeat(32),
    });
    expect(
      readCollectorConfig([], {
        BT_SOURCE: 'unifi',
        BT_CONTROLLER_URL: 'https://udm.local',
        BT_API_KEY: 'k',
        BT_SITE: 'branch_2',
      })?.source,
    ).toEqual({
      kind: 'unifi',
      controllerUrl: 'https://udm.local',
      auth: { kind: 'api-key', apiKey: 'k' },
      site: 'branch_2',
      fingerprint: null,
    });
    expect(readCollectorConfig(['--source', 'demo'], {})?.source).toEqual({ kind: 'demo' });
  });

  it('gives the demo a database of its own unless one is named', () => {
    expect(readCollectorConfig(['--source', 'demo'], {})?.mysql.database).toBe(
      'bandwidth_tracker_demo',
    );
    expect(readCollectorConfig([], { BT_SOURCE: 'demo' })?.mysql.database).toBe(
      'bandwidth_tracker_demo',
    );
    expect(readCollectorConfig([], {})?.mysql.database).toBe('bandwidth_tracker');
    expect(
      readCollectorConfig(['--source', 'demo', '--mysql-url', 'mysql://root@127.0.0.1/x'], {})
        ?.mysql.database,
    ).toBe('x');
  });

  it.each([
    [['--source', 'snmp'], '--source "snmp" is not a source; use seed, unifi or demo'],
    [['--source', 'unifi'], '--source unifi needs --controller-url'],
    [
      ['--source', 'unifi', '--controller-url', 'https://x', '--username', 'a'],
      'needs --username and --password',
    ],
    [
      [
        '--source',
        'unifi',
        '--controller-url',
        'https://x',
        '--api-key',
        'k',
        '--fingerprint',
        'abc',
      ],
      '--fingerprint is not a SHA-256 fingerprint',
    ],
    [
      ['--source', 'unifi', '--controller-url', 'https://x', '--api-key', 'k', '--site', 'a b'],
      '--site "a b"',
    ],
  ])('refuses an incomplete or wrong source: %j', (argv, message) => {
    expect(() => readCollectorConfig(argv, {})).toThrow(message);
  });

  it('reads --site as one site, a list or all, and the sources asked at once', () => {
    const unifi = ['--source', 'unifi', '--controller-url', 'https://x', '--api-key', 'k'];
    const site = (value: string) => {
      const source = readCollectorConfig([...unifi, '--site', value], {})?.source;
      return source?.kind === 'unifi' ? source.site : null;
    };
    expect(site('all')).toBe('all');
    expect(site('default,branch_2')).toBe('default,branch_2');
    expect(() => site('default,')).toThrow('several separated by commas, or all');
    expect(readCollectorConfig(['--parallel-sources', '2'], {})?.parallelSources).toBe(2);
    expect(() => readCollectorConfig(['--parallel-sources', '0'], {})).toThrow(
      '--parallel-sources "0" is not a whole number of sources of at least 1',
    );
    expect(() => readCollectorConfig(['--sources', '/nonexistent/bt-sources.json'], {})).toThrow(
      '--sources /nonexistent/bt-sources.json cannot be read as JSON',
    );
  });

  it('returns null for --help', () => {
    expect(readCollectorConfig(['--help'], {})).toBeNull();
  });

  it.each([
    [['--interval', 'abc'], '--interval "abc" is not a number of seconds'],
    [['--interval', '0'], '--interval "0"'],
    [['--interval=-1'], '--interval "-1"'],
    [['--cycles', '1.5'], '--cycles "1.5" is not a whole number'],
    [['--cycles', '0'], '--cycles "0"'],
    [['--api-url', 'ftp://x'], '--api-url "ftp://x" must start with http'],
    [['--api-url', 'nope'], '--api-url "nope" is not a URL'],
    [['--mysql-url', 'postgres://x/db'], '--mysql-url: "postgres://x/db" must start with mysql://'],
    [['--mysql-url', 'mysql://root@localhost'], 'names no database'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a message naming the setting', (argv, message) => {
    expect(() => readCollectorConfig(argv, {})).toThrow(ConfigError);
    expect(() => readCollectorConfig(argv, {})).toThrow(message);
  });

  it('names the environment variable when the bad value comes from there', () => {
    expect(() => readCollectorConfig([], { BT_INTERVAL: 'soon' })).toThrow('BT_INTERVAL "soon"');
  });

  it('never repeats a password in an error', () => {
    expect(() => readCollectorConfig(['--mysql-url', 'mysql://root:s3cret@host'], {})).toThrow(
      /root:\*\*\*@host/,
    );
  });
});
