import { parseJsonExact } from '../exact-json';
import { PayloadError, parseDevicePayload } from '../payload';
import { type DeviceSource, isTimeoutError, networkErrorCode, SourceError } from './device-source';
import { rateLimitedError } from './retry-after';

export const DEFAULT_API_URL = 'http://127.0.0.1:5001';
export const DEVICES_PATH = '/api/unifi/devices';

export interface SeedApiOptions {
  /** Base URL; `/api/unifi/devices` is appended. */
  apiUrl: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

/** The original design's "UniFi API server": `GET {api-url}/api/unifi/devices`. */
export function createSeedApiSource(options: SeedApiOptions): DeviceSource {
  const url = options.apiUrl.replace(/\/+$/, '') + DEVICES_PATH;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const description = `device API at ${url}`;
  const seconds = options.timeoutMs / 1000;

  return {
    description,
    async fetchDevices() {
      let text: string;
      try {
        const response = await fetchImpl(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (response.status === 429) {
          await response.body?.cancel().catch(() => {});
          throw rateLimitedError(description, response.headers.get('retry-after'));
        }
        if (!response.ok) {
          await response.body?.cancel().catch(() => {});
          throw new SourceError(
            `The ${description} answered HTTP ${response.status} ${response.statusText}`.trim() +
              ': check that server and its log',
            'http-status',
          );
        }
        text = await response.text();
      } catch (error) {
        if (error instanceof SourceError) throw error;
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
        return parseDevicePayload(body);
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        throw new SourceError(
          `The ${description} sent an unusable list: ${error.message}`,
          'invalid-body',
        );
      }
    },
  };
}
