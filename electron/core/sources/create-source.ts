import { DEFAULT_PARALLEL_FETCHES } from './bounded-parallel';
import { createDemoSource } from './demo-source';
import type { DeviceSource } from './device-source';
import { createMultiSource } from './multi-source';
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
      return source.site.trim().toLowerCase() === 'all'
        ? `the UniFi controller at ${source.controllerUrl} (every site)`
        : `the UniFi controller at ${source.controllerUrl} (site ${source.site.split(',').join(', ')})`;
    case 'demo':
      return 'the DEMO network (simulated, no server needed)';
  }
}

/** How several sources are polled together. */
export interface SeveralSourcesOptions {
  /** Sources asked at once (default 4). */
  parallel?: number;
  /** The stored owner of each router's series, by MAC (see multi-source.ts). */
  storedOwners?: () => Promise<ReadonlyMap<string, string>>;
}

/**
 * One source, or several polled as one: each under its own description, which is what its
 * counters are stored with (the same as when it is polled alone, so adding a second source
 * keeps the first one's series).
 */
export function createSources(
  sources: readonly SourceSettings[],
  timeoutMs: number,
  now: () => Date,
  maxResponseBytes?: number,
  /** Where the user raises that limit, for the message past it. */
  responseLimitSetting?: string,
  several: SeveralSourcesOptions = {},
): DeviceSource {
  const parts = sources.map((settings) => {
    const source = createSource(settings, timeoutMs, now, maxResponseBytes, responseLimitSetting);
    return { source, identity: source.description };
  });
  if (parts.length === 1) return (parts[0] as { source: DeviceSource }).source;
  return createMultiSource({
    parts,
    parallel: several.parallel ?? DEFAULT_PARALLEL_FETCHES,
    storedOwners: several.storedOwners,
  });
}

/** How the console names several sources: each as `describeSource` does, joined. */
export function describeSources(sources: readonly SourceSettings[]): string {
  return sources.length === 1
    ? describeSource(sources[0] as SourceSettings)
    : `${sources.length} sources at once: ${sources.map(describeSource).join('; ')}`;
}
