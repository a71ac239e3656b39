import { normalizeMac } from '../../../shared/mac';
import { parseSiteSelection, type SiteSelection } from '../../../shared/unifi-sites';
import { parseJsonExact } from '../exact-json';
import { OutageLog } from '../outage';
import {
  type DeviceProblem,
  exceedsDepth,
  MAX_DEVICE_DEPTH,
  type ParsedPayload,
  PayloadError,
  parseDevicePayload,
  tooDeepReason,
} from '../payload';
import { BodyTooLargeError, UnsupportedEncodingError } from './bounded-body';
import { settleWithLimit } from './bounded-parallel';
import { type DeviceSource, isTimeoutError, networkErrorCode, SourceError } from './device-source';
import {
  CertificateError,
  formatFingerprint,
  type HttpResponse,
  normalizeFingerprint,
  sendRequest,
} from './https-client';
import { rateLimitedError } from './retry-after';
import { type UnifiSeries, unifiRole, unifiSeries } from './unifi-counters';

/** UniFi OS consoles (UDM, Cloud Key Gen2+, UniFi OS Server) or the classic Network controller. */
export type UnifiFlavour = 'unifi-os' | 'classic';

export type UnifiAuth =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'api-key'; apiKey: string };

export interface UnifiOptions {
  controllerUrl: string;
  auth: UnifiAuth;
  /**
   * The site's short name (`default` unless the admin made more sites), several separated by
   * commas, or `all` for every site the account may read.
   */
  site: string;
  /** A pinned SHA-256 certificate fingerprint (hex, colons optional), or null to verify normally. */
  fingerprint: string | null;
  timeoutMs: number;
  /** The most one answer may hold, as sent and decompressed; default 64 MB. */
  maxResponseBytes?: number;
  /** Where the user raises that limit (default: the collector's flag). */
  responseLimitSetting?: string;
  /**
   * Sites read at once when there are several (default 1: in turn, on one session, since UniFi
   * OS hands out a new CSRF token with each answer and the one before stops working).
   */
  parallelSites?: number;
}

export interface UnifiSource extends DeviceSource {
  /** Known after the first contact. */
  readonly flavour: UnifiFlavour | null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** A derived, locally administered MAC for a gateway's WAN port N ≥ 2: `02:NN:` + the device's last four bytes. */
export function wanSeriesMac(deviceMac: string, wanNumber: number): string {
  const bytes = deviceMac.split(':').slice(2);
  return ['02', wanNumber.toString(16).padStart(2, '0').toUpperCase(), ...bytes].join(':');
}

/**
 * One entry of `stat/device` as the readings the payload parser reads: one per series the app
 * tracks (see unifi-counters.ts), download in `rx_bytes`. A gateway's first WAN port keeps the
 * device's identity; each further WAN port in use is a router of its own (`NAME · WAN2`, on a
 * derived MAC), so a WAN going down or restarting its counters touches only its own series.
 * `xput_down`/`xput_up` are the uplink's last speed test, not live traffic.
 */
export function unifiDeviceToReadings(device: Record<string, unknown>): Record<string, unknown>[] {
  const uplink = record(device.uplink);
  const speedTest = record(device['speedtest-status']);
  const model = text(device.model) ?? 'UniFi device';
  const mac = normalizeMac(device.mac);
  const name = text(device.name) ?? `${model} ${mac ?? String(device.mac ?? '')}`.trim();
  const series = unifiSeries(device);
  const role = unifiRole(device);
  const reading = (counters: UnifiSeries | undefined, index: number): Record<string, unknown> => ({
    name: index === 0 ? name : `${name} · ${counters?.port.toUpperCase()}`,
    mac:
      index === 0 || mac === null ? device.mac : wanSeriesMac(mac, Number(counters?.port.slice(3))),
    ip: device.ip,
    brand: 'Ubiquiti',
    model: text(device.model),
    // Every WAN series of a gateway (wan2 too) is the edge; parsed with `roles: true`.
    role,
    rx_bytes: counters?.download,
    tx_bytes: counters?.upload,
    // The controller's own live rates for the same port as the counters.
    'rx_bytes-r': counters?.downloadRate,
    'tx_bytes-r': counters?.uploadRate,
    uptime: device.uptime,
    state: device.state,
    ...(counters?.mayWrap32 ? { counter_bits: 32 } : {}),
    xput_down: index === 0 ? (uplink?.xput_down ?? speedTest?.xput_download) : undefined,
    xput_up: index === 0 ? (uplink?.xput_up ?? speedTest?.xput_upload) : undefined,
    latency: index === 0 ? (uplink?.latency ?? speedTest?.latency) : undefined,
  });
  // No counters at all: still one reading, so the parser names what is missing.
  return series.length === 0 ? [reading(undefined, 0)] : series.map(reading);
}

/** A device waiting for adoption is not part of the site yet (no name, no counters). */
export function isPendingAdoption(device: Record<string, unknown>): boolean {
  return device.adopted === false;
}

/** The `Set-Cookie` headers of a response as name → value (attributes dropped). */
function cookiesOf(response: HttpResponse): Array<[string, string]> {
  const raw = response.headers['set-cookie'] ?? [];
  return raw.flatMap((line) => {
    const pair = line.split(';')[0] ?? '';
    const equals = pair.indexOf('=');
    return equals > 0 ? [[pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()]] : [];
  }) as Array<[string, string]>;
}

function header(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * A UniFi Network controller read directly: `GET …/api/s/{site}/stat/device`. The flavour is
 * detected on first contact (a UniFi OS console answers `/` itself, a classic controller
 * redirects it). Logs in with a username and password (cookie and CSRF token kept, one new
 * login when the session expires) or sends an API key. A refused login stops polling: trying
 * again every minute would lock the account.
 */
export function createUnifiSource(options: UnifiOptions): UnifiSource {
  const base = new URL(options.controllerUrl.replace(/\/+$/, ''));
  const description = `UniFi controller at ${base.origin}`;
  const fingerprint =
    options.fingerprint === null ? null : normalizeFingerprint(options.fingerprint);
  if (options.fingerprint !== null && fingerprint === null) {
    throw new Error('the certificate fingerprint must be 64 hexadecimal digits (colons allowed)');
  }
  let flavour: UnifiFlavour | null = options.auth.kind === 'api-key' ? 'unifi-os' : null;
  const cookies = new Map<string, string>();
  let csrf: string | null = null;
  // A password or API key is never sent in clear: refused before any request.
  let refused: SourceError | null =
    base.protocol === 'https:'
      ? null
      : new SourceError(
          `The ${description} is addressed with ${base.protocol}//, which would send the ${options.auth.kind === 'api-key' ? 'API key' : 'password'} unencrypted. Polling stopped: use https:// in the controller URL`,
          'login-refused',
        );

  async function send(
    path: string,
    method: 'GET' | 'POST' = 'GET',
    body?: unknown,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookies.size > 0) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const token = csrf ?? cookies.get('csrf_token') ?? null;
    if (token !== null) headers['x-csrf-token'] = token;
    if (options.auth.kind === 'api-key') headers['x-api-key'] = options.auth.apiKey;
    const response = await sendRequest(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: options.timeoutMs,
      fingerprint,
      maxBodyBytes: options.maxResponseBytes,
      limitSetting: options.responseLimitSetting,
    });
    for (const [name, value] of cookiesOf(response)) cookies.set(name, value);
    csrf = header(response, 'x-updated-csrf-token') ?? header(response, 'x-csrf-token') ?? csrf;
    return response;
  }

  const rateLimited = (response: HttpResponse) =>
    rateLimitedError(description, header(response, 'retry-after'));

  async function detectFlavour(): Promise<UnifiFlavour> {
    // UniFi OS serves its own page at `/`; a classic controller redirects to /manage.
    const response = await send('/');
    return response.status === 200 ? 'unifi-os' : 'classic';
  }

  async function login(): Promise<void> {
    if (options.auth.kind !== 'password') return;
    flavour ??= await detectFlavour();
    cookies.clear();
    csrf = null;
    const path = flavour === 'unifi-os' ? '/api/auth/login' : '/api/login';
    const response = await send(path, 'POST', {
      username: options.auth.username,
      password: options.auth.password,
      remember: true,
    });
    if (response.status === 429) throw rateLimited(response);
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      refused = new SourceError(
        `The ${description} refused the username or password (HTTP ${response.status}). Polling stopped so the account does not get locked: check the credentials in Settings (or --username/--password), then restart polling`,
        'login-refused',
      );
      throw refused;
    }
    if (response.status < 200 || response.status > 299) {
      throw new SourceError(
        `The ${description} answered HTTP ${response.status} to the login: check the controller URL`,
        'http-status',
      );
    }
  }

  function networkPath(path: string): string {
    return `${flavour === 'unifi-os' ? '/proxy/network' : ''}${path}`;
  }

  // When sites are read at once, one login serves them all, and a session that expired is
  // renewed once, not by every site that noticed.
  let loggingIn: Promise<void> | null = null;
  function loginOnce(): Promise<void> {
    loggingIn ??= login().finally(() => {
      loggingIn = null;
    });
    return loggingIn;
  }

  async function readNetwork(path: string): Promise<HttpResponse> {
    if (options.auth.kind === 'password' && cookies.size === 0) await loginOnce();
    let response = await send(networkPath(path));
    if (response.status === 401 && options.auth.kind === 'password') {
      // The session expired: log in again, once.
      await loginOnce();
      response = await send(networkPath(path));
    }
    return response;
  }

  /** The `data` array of a network API answer, or the SourceError that says what is wrong. */
  async function readData(path: string, site: string | null): Promise<unknown[]> {
    if (refused !== null) throw refused;
    let response: HttpResponse;
    try {
      response = await readNetwork(path);
    } catch (error) {
      throw asSourceError(error, description, fingerprint);
    }
    if (response.status === 429) throw rateLimited(response);
    if (response.status === 401 || response.status === 403) {
      if (options.auth.kind === 'api-key') {
        refused = new SourceError(
          `The ${description} refused the API key (HTTP ${response.status}). Polling stopped: create a key in UniFi Network (Settings › Control Plane › Integrations) and enter it in Settings (or --api-key)`,
          'login-refused',
        );
        throw refused;
      }
      throw new SourceError(
        site === null
          ? `The ${description} refused to list its sites (HTTP ${response.status}): check that this user may read them, or name the sites in Settings (or --site)`
          : `The ${description} refused access to site "${site}" (HTTP ${response.status}): check that this user may read that site`,
        'http-status',
      );
    }
    if (site !== null && (response.status === 400 || response.status === 404)) {
      throw new SourceError(
        `The ${description} has no site "${site}" (HTTP ${response.status}): use the site's short name from its URL (…/manage/site/NAME/…), usually "default"`,
        'http-status',
      );
    }
    if (response.status < 200 || response.status > 299) {
      throw new SourceError(
        `The ${description} answered HTTP ${response.status}${site === null ? ' to the list of sites' : ''}: check the controller and its log`,
        'http-status',
      );
    }
    let body: unknown;
    try {
      body = parseJsonExact(response.body);
    } catch {
      throw new SourceError(
        `The ${description} sent a body that is not JSON: check that the URL points at the UniFi Network controller`,
        'invalid-body',
      );
    }
    const data = record(body)?.data;
    if (!Array.isArray(data)) {
      throw new SourceError(
        site === null
          ? `The ${description} sent no list of sites ("data" is missing): name the sites in Settings (or --site) instead of all`
          : `The ${description} sent no device list ("data" is missing): check the site name`,
        'invalid-body',
      );
    }
    return data;
  }

  /** Every site this account may read (`GET /api/self/sites`), by short name. */
  async function listSites(): Promise<string[]> {
    const data = await readData('/api/self/sites', null);
    const names = data.flatMap((entry) => {
      const name = text(record(entry)?.name);
      return name === null ? [] : [name];
    });
    if (names.length === 0) {
      throw new SourceError(
        `The ${description} lists no site this account may read: check the account's permissions`,
        'invalid-body',
      );
    }
    return names;
  }

  async function fetchSite(site: string): Promise<ParsedPayload> {
    const data = await readData(`/api/s/${encodeURIComponent(site)}/stat/device`, site);
    try {
      // A device nested absurdly deep is skipped alone, named, before its fields are read.
      const tooDeep: DeviceProblem[] = [];
      const usable = data.filter((entry, index) => {
        if (isPendingAdoption(record(entry) ?? {})) return false;
        if (!exceedsDepth(entry, MAX_DEVICE_DEPTH)) return true;
        const device = record(entry);
        tooDeep.push({
          device: text(device?.name) ?? text(device?.mac) ?? `device #${index + 1}`,
          reason: tooDeepReason(),
        });
        return false;
      });
      const parsed = parseDevicePayload(
        usable.flatMap((entry) => unifiDeviceToReadings(record(entry) ?? {})),
        { roles: true },
      );
      return {
        ...parsed,
        devices: parsed.devices.map((d) => ({ ...d, identity: { ...d.identity, site } })),
        problems: [...tooDeep, ...parsed.problems],
      };
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      throw new SourceError(
        `The ${description} sent an unusable list${multiSite ? ` for site "${site}"` : ''}: ${error.message}`,
        'invalid-body',
      );
    }
  }

  // Each site has its own outage: one that fails is said once, and the others keep counting.
  const siteOutages = new Map<string, OutageLog>();
  const outageOf = (site: string) => {
    let outage = siteOutages.get(site);
    if (outage === undefined) {
      outage = new OutageLog(`Site "${site}" of the ${description}`);
      siteOutages.set(site, outage);
    }
    return outage;
  };

  async function fetchSites(sites: readonly string[]): Promise<ParsedPayload> {
    const results = await settleWithLimit(sites, options.parallelSites ?? 1, fetchSite);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    // A refused login or key is the whole controller's problem, as is every site failing.
    const refusal = failures.find((e) => e instanceof SourceError && e.kind === 'login-refused');
    if (refusal !== undefined) throw refusal;
    if (failures.length === sites.length) {
      const first = failures[0];
      if (sites.length === 1 || !(first instanceof SourceError)) throw first;
      throw new SourceError(
        `Every site of the ${description} failed (${sites.join(', ')}); the first: ${first.message}`,
        first.kind,
        first.retryAfterMs,
      );
    }
    const merged: ParsedPayload = {
      devices: [],
      problems: [],
      collisions: [],
      notices: [],
      partsDown: [],
      unanswered: [],
    };
    const seen = new Map<string, string>();
    results.forEach((result, index) => {
      const site = sites[index] as string;
      const outage = outageOf(site);
      if (result.status === 'rejected') {
        const message =
          result.reason instanceof Error ? result.reason.message : String(result.reason);
        const line = outage.failure(message);
        if (line !== null)
          merged.notices?.push(
            `❌ Site "${site}": ${line}. The other sites are recorded; this one is tried again every poll.`,
          );
        merged.partsDown?.push(`Site "${site}" of the ${description} is not answering: ${message}`);
        merged.unanswered?.push({ site });
        return;
      }
      const back = outage.success();
      if (back !== null) merged.notices?.push(`✅ ${back}`);
      const payload = result.value;
      for (const device of payload.devices) {
        const other = seen.get(device.identity.mac);
        if (other !== undefined) {
          merged.problems.push({
            device: device.identity.name,
            reason: `its MAC ${device.identity.mac} is also listed in site "${other}"; counted there only`,
          });
          continue;
        }
        seen.set(device.identity.mac, site);
        merged.devices.push(device);
      }
      merged.problems.push(...payload.problems);
      merged.collisions?.push(...(payload.collisions ?? []));
    });
    return merged;
  }

  const selection: SiteSelection = parseSiteSelection(options.site) ?? {
    kind: 'names',
    names: [options.site],
  };
  const multiSite = selection.kind === 'all' || selection.names.length > 1;

  return {
    description,
    get flavour() {
      return flavour;
    },
    async fetchDevices() {
      if (!multiSite) return fetchSite(options.site);
      const sites = selection.kind === 'all' ? await listSites() : selection.names;
      return fetchSites(sites);
    },
  };
}

function asSourceError(error: unknown, description: string, pinned: string | null): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof BodyTooLargeError || error instanceof UnsupportedEncodingError) {
    return new SourceError(
      `The ${description} was not read: ${error.message}`,
      error instanceof BodyTooLargeError ? 'too-large' : 'invalid-body',
    );
  }
  if (error instanceof CertificateError) {
    const seen =
      error.seenFingerprint === null ? 'unknown' : formatFingerprint(error.seenFingerprint);
    const advice =
      error.reason === 'mismatch'
        ? `it presents ${seen}, not the trusted ${formatFingerprint(pinned ?? '')}. If the controller's certificate was renewed, trust the new one in Settings (or --fingerprint); otherwise something is intercepting the connection`
        : `its SHA-256 fingerprint is ${seen}. If that is your controller (self-signed certificates are common), trust it in Settings or pass --fingerprint ${seen}`;
    return new SourceError(
      `The ${description} was not trusted: ${error.message}; ${advice}`,
      'certificate',
    );
  }
  if (isTimeoutError(error)) {
    return new SourceError(
      `The ${description} did not answer in time: check that it is up`,
      'timeout',
    );
  }
  const code = networkErrorCode(error);
  return new SourceError(
    `Cannot reach the ${description} (${code}): check the controller URL and that it is up`,
    'unreachable',
  );
}
