import type { DeviceReading } from '../../../shared/types';
import { OutageLog } from '../outage';
import type { ParsedPayload, UnansweredPart } from '../payload';
import { DEFAULT_PARALLEL_FETCHES, settleWithLimit } from './bounded-parallel';
import { type DeviceSource, SourceError } from './device-source';

/** One of several sources polled at once, under the name its counters are stored with. */
export interface SourcePart {
  source: DeviceSource;
  /** Stored as `routers.counter_source`: what keeps a series with the source that owns it. */
  identity: string;
}

export interface MultiSourceOptions {
  /** In order of precedence: a MAC first seen from two sources at once belongs to the first. */
  parts: readonly SourcePart[];
  /** Sources asked at once (default 4). */
  parallel?: number;
  /**
   * The stored owner (`counter_source`) of every router that has one, read once before the
   * first merge that needs it; without it only what this copy saw decides.
   */
  storedOwners?: () => Promise<ReadonlyMap<string, string>>;
}

/**
 * Several sources (controllers, the API server) as one: every poll asks them all at once,
 * each keeps its own outage (said once when it starts and once when it ends), and the poll
 * fails only when every one of them fails.
 *
 * One MAC from two sources: the series belongs to one source, the one whose counters are
 * stored for it (`counter_source`), or for a router never stored, the first source in the
 * list that reports it. The other source's reading is not counted, and that is said once. A
 * series changes owner only when its owner answered and no longer lists the MAC (the device
 * moved), or when its owner is no longer configured; the recorder then starts a new baseline.
 */
export function createMultiSource(options: MultiSourceOptions): DeviceSource {
  const { parts } = options;
  const identities = new Set(parts.map((p) => p.identity));
  const outages = parts.map((p) => new OutageLog(`The ${p.source.description}`));
  const owners = new Map<string, string>();
  let ownersLoaded = options.storedOwners === undefined;
  /** `MAC source`: the readings already said to be left out, so it is said once. */
  const said = new Set<string>();
  const description = `${parts.length} sources (${parts.map((p) => p.source.description).join('; ')})`;

  async function loadOwners(): Promise<void> {
    if (ownersLoaded || options.storedOwners === undefined) return;
    try {
      for (const [mac, owner] of await options.storedOwners()) {
        if (identities.has(owner) && !owners.has(mac)) owners.set(mac, owner);
      }
      ownersLoaded = true;
    } catch {
      // The database is down: the recorder's own check (a new baseline) still keeps the
      // series exact; the stored owners are read again next poll.
    }
  }

  /** Keeps one reading per MAC, from the source that owns the series. */
  function merge(answers: ReadonlyArray<ParsedPayload | null>, notices: string[]): DeviceReading[] {
    const byMac = new Map<string, Array<{ part: number; reading: DeviceReading }>>();
    answers.forEach((answer, part) => {
      for (const reading of answer?.devices ?? []) {
        const list = byMac.get(reading.identity.mac) ?? [];
        list.push({ part, reading });
        byMac.set(reading.identity.mac, list);
      }
    });
    const kept: DeviceReading[] = [];
    for (const [mac, candidates] of byMac) {
      const owner = owners.get(mac);
      const ownerPart = parts.findIndex((p) => p.identity === owner);
      // The owner failed this poll: nobody else continues its series (its counters, once it is
      // back, carry the traffic of the gap).
      const ownerDown = ownerPart >= 0 && answers[ownerPart] === null;
      const chosen =
        candidates.find((c) => parts[c.part]?.identity === owner) ??
        (ownerDown ? undefined : candidates[0]);
      if (chosen !== undefined) {
        const identity = parts[chosen.part]?.identity as string;
        owners.set(mac, identity);
        kept.push({ ...chosen.reading, source: identity });
      }
      for (const other of candidates) {
        if (other === chosen) continue;
        const otherIdentity = parts[other.part]?.identity as string;
        const key = `${mac} ${otherIdentity}`;
        if (said.has(key)) continue;
        said.add(key);
        const ownerName = parts[chosen?.part ?? ownerPart]?.source.description ?? owner;
        notices.push(
          `🔀 ${other.reading.identity.name} (${mac}) is reported by the ${parts[other.part]?.source.description} too; its series stays with the ${ownerName}${chosen === undefined ? ' (not answering now)' : ''}, so this reading is not counted. Said once.`,
        );
      }
    }
    return kept;
  }

  return {
    description,
    async fetchDevices() {
      const results = await settleWithLimit(
        parts,
        options.parallel ?? DEFAULT_PARALLEL_FETCHES,
        (part) => part.source.fetchDevices(),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (failures.length === parts.length) {
        // Every source down: the poller's own outage handling says it (once) and backs off.
        const messages = failures.map((e) => (e instanceof Error ? e.message : String(e)));
        const first = failures.find((e) => e instanceof SourceError);
        throw new SourceError(
          `Every source failed: ${messages.join(' — ')}`,
          first?.kind ?? 'unreachable',
          first?.retryAfterMs ?? null,
        );
      }
      await loadOwners();
      const notices: string[] = [];
      const partsDown: string[] = [];
      const unanswered: UnansweredPart[] = [];
      const merged: ParsedPayload = { devices: [], problems: [], collisions: [] };
      const answers = results.map((result, i) => {
        const outage = outages[i] as OutageLog;
        if (result.status === 'rejected') {
          const message =
            result.reason instanceof Error ? result.reason.message : String(result.reason);
          const line = outage.failure(message);
          if (line !== null)
            notices.push(
              `❌ ${line}. The other sources are recorded; this one is tried again every poll.`,
            );
          partsDown.push(message);
          unanswered.push({ source: (parts[i] as { identity: string }).identity });
          return null;
        }
        const back = outage.success();
        if (back !== null) notices.push(`✅ ${back}`);
        const payload = result.value;
        merged.problems.push(...payload.problems);
        merged.collisions?.push(...(payload.collisions ?? []));
        notices.push(...(payload.notices ?? []));
        partsDown.push(...(payload.partsDown ?? []));
        for (const part of payload.unanswered ?? [])
          unanswered.push({ ...part, source: (parts[i] as { identity: string }).identity });
        return payload;
      });
      merged.devices = merge(answers, notices);
      return { ...merged, notices, partsDown, unanswered };
    },
  };
}
