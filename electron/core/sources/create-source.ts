import { createDemoSource } from './demo-source';
import type { DeviceSource } from './device-source';
import { createSeedApiSource } from './seed-api-source';
import { createUnifiSource, type UnifiAuth } from './unifi-source';

export type SourceKind = 'seed' | 'unifi' | 'demo';

/** Which source to poll and how to reach it. */
export type SourceSettings =
  | { kind: 'seed'; apiUrl: string }
  | {
      kind: 'unifi';
      controllerUrl: string;
      auth: UnifiAuth;
      site: string;
      fingerprint: string | null;
    }
  | { kind: 'demo' };

export function createSource(
  source: SourceSettings,
  timeoutMs: number,
  now: () => Date,
  /** The most one answer may hold (as sent and decompressed); the sources' default otherwise. */
  maxResponseBytes?: number,
  /** Where the user raises that limit, for the message past it. */
  responseLimitSetting?: string,
): DeviceSource {
  switch (source.kind) {
    case 'seed':
      return createSeedApiSource({
        apiUrl: source.apiUrl,
        timeoutMs,
        maxResponseBytes,
        responseLimitSetting,
      });
    case 'unifi':
      return createUnifiSource({ ...source, timeoutMs, maxResponseBytes, responseLimitSetting });
    case 'demo':
      return createDemoSource({ now });
  }
}

/** How the console and the tray name what is polled. */
export function describeSource(source: SourceSettings): string {
  switch (source.kind) {
    case 'seed':
      return `the device API at ${source.apiUrl}`;
    case 'unifi':
      return `the UniFi controller at ${source.controllerUrl} (site ${source.site})`;
    case 'demo':
      return 'the DEMO network (simulated, no server needed)';
  }
}
