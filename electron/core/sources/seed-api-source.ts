import { STATUS_CODES } from 'node:http';
import { parseJsonExact } from '../exact-json';
import { type ParsedPayload, PayloadError, parseDevicePayload, ReadingMemory } from '../payload';
import {
  BodyTooLargeError,
  DEFAULT_MAX_RESPONSE_MB,
  megabytes,
  UnsupportedEncodingError,
} from './bounded-body';
import { type DeviceSource, isTimeoutError, networkErrorCode, SourceError } from './device-source';
import { CertificateError, type HttpResponse, sendRequest } from './https-client';
import { rateLimitedError } from './retry-after';

export const DEFAULT_API_URL = 'http://127.0.0.1:5001';
export const DEVICES_PATH = '/api/unifi/devices';

/** Same-origin redirects followed per poll, at most (a loop is an error, not a hang). */
const MAX_REDIRECTS = 5;

export interface SeedApiOptions {
  /** Base URL; `/api/unifi/devices` is appended. */
  apiUrl: string;
  timeoutMs: number;
  /** The most one answer may hold, as sent and decompressed; default 64 MB. */
  maxResponseBytes?: number;
  /** Where the user raises that limit (default: the collector's flag). */
  responseLimitSetting?: string;
}

/** A redirect the source refuses to follow: the message says where it pointed. */
class RedirectRefused extends Error {}

/** The original design's "UniFi API server": `GET {api-url}/api/unifi/devices`. */
export function createSeedApiSource(options: SeedApiOptions): DeviceSource {
  const url = options.apiUrl.replace(/\/+$/, '') + DEVICES_PATH;
  const description = `device API at ${url}`;
  const seconds = options.timeoutMs / 1000;
  const maxBodyBytes = options.maxResponseBytes ?? megabytes(DEFAULT_MAX_RESPONSE_MB);
  // The identities of the last poll, given again while unchanged (see ReadingMemory).
  const memory = new ReadingMemory();

  /** GET, following redirects only within the same origin (another host never gets our request). */
  async function get(): Promise<HttpResponse> {
    let target = new URL(url);
    for (let hop = 0; ; hop += 1) {
      const response = await sendRequest(target, {
        headers: { accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' },
        timeoutMs: options.timeoutMs,
        fingerprint: null,
        maxBodyBytes,
        limitSetting: options.responseLimitSetting,
      });
      const location = response.headers.location;
      if (response.status < 300 || response.status > 399 || location === undefined) {
        return response;
      }
      const next = new URL(location, target);
      if (next.origin !== target.origin) {
        throw new RedirectRefused(
          `The ${description} redirected to another server (${next.origin}); it was not followed. If that server is the right one, set --api-url to it`,
        );
      }
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectRefused(
          `The ${description} redirected more than ${MAX_REDIRECTS} times: check --api-url`,
        );
      }
      target = next;
    }
  }

  return {
    description,
    async fetchDevices() {
      let response: HttpResponse;
      try {
        response = await get();
      } catch (error) {
        if (error instanceof RedirectRefused) throw new SourceError(error.message, 'http-status');
        if (error instanceof BodyTooLargeError) {
          throw new SourceError(`The ${description} was not read: ${error.message}`, 'too-large');
        }
        if (error instanceof UnsupportedEncodingError) {
          throw new SourceError(
            `The ${description} was not read: ${error.message}`,
            'invalid-body',
          );
        }
        if (error instanceof CertificateError) {
          throw new SourceError(
            `The ${description} was not trusted: ${error.message}; use a certificate this computer trusts`,
            'certificate',
          );
        }
        if (isTimeoutError(error)) {
          throw new SourceError(
            `The ${description} did not answer within ${seconds} s: check that the server is not overloaded or hung`,
            'timeout',
          );
        }
        const code = networkErrorCode(error);
        throw new SourceError(
          `Cannot reach the ${description} (${code}): start the UniFi API server or check --api-url`,
          'unreachable',
        );
      }
      if (response.status === 429) {
        throw rateLimitedError(description, headerText(response, 'retry-after'));
      }
      if (response.status < 200 || response.status > 299) {
        throw new SourceError(
          `The ${description} answered HTTP ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trim() +
            ': check that server and its log',
          'http-status',
        );
      }
      return parseDevicesJson(response.body, description, memory);
    },
  };
}

/**
 * The API server's answer, as text, to the poll's readings. A body that is not JSON or not a
 * device list is a SourceError naming the source (`description`). `memory` is the source's,
 * from one poll to the next.
 */
export function parseDevicesJson(
  text: string,
  description = 'device API',
  memory = new ReadingMemory(),
): ParsedPayload {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    throw new SourceError(
      `The ${description} sent a body that is not JSON (it starts with ${JSON.stringify(start)}): check that --api-url points at the UniFi API server`,
      'invalid-body',
    );
  }
  try {
    return parseDevicePayload(body, {}, memory);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    throw new SourceError(
      `The ${description} sent an unusable list: ${error.message}`,
      'invalid-body',
    );
  }
}

function headerText(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' ? value : null;
}
