// The service's status never says all is well while cycles are not committed: refused cycles
// and MAC collisions reach AppState, the tray's tooltip and icon. Real MariaDB; the source is
// scripted in-process (values past the parser, as a stand-in for whatever it might miss).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import { parseDevicePayload } from '../../electron/core/payload';
import type { DeviceSource } from '../../electron/core/sources/device-source';
import type { AppState } from '../../shared/ipc-contract';
import { notRecordingText, recordingNotices } from '../../shared/recording-status';
import { trayIconState, trayTooltip } from '../../shared/tray-status';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let dir: string;
beforeEach(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'bt-recording-status-'));
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Each poll: what to serve. `poison` puts an uptime past the parser that MySQL refuses. */
type Step = 'good' | 'poison' | 'collision';

function scripted(steps: Step[]): DeviceSource {
  let poll = 0;
  return {
    description: 'scripted source',
    async fetchDevices() {
      const step = steps[Math.min(poll, steps.length - 1)] ?? 'good';
      poll += 1;
      const rx = 1_000 * poll;
      const list: Array<Record<string, unknown>> = [
        { name: 'Gateway', mac: '02:00:00:00:00:01', rx_bytes: rx, tx_bytes: rx, uptime: poll },
        { name: 'AP', mac: '02:00:00:00:00:02', rx_bytes: rx, tx_bytes: rx, uptime: poll },
      ];
      if (step === 'collision') list.push({ ...list[1], name: 'AP clone', rx_bytes: 1 });
      const parsed = parseDevicePayload(list);
      if (step === 'poison') {
        const first = parsed.devices[0];
        if (first?.counters) first.counters = { ...first.counters, uptime: 1e30 };
      }
      return parsed;
    },
  };
}

/** Runs the service for `steps.length` polls and returns the state after each. */
async function statesAfter(steps: Step[]): Promise<AppState[]> {
  const service = new BandwidthService({
    settings: {
      apiUrl: 'http://unused',
      intervalMs: 20,
      timeoutMs: 1_000,
      mysql: db.settings,
    },
    createSource: () => scripted(steps),
    journal: { path: join(dir, 'journal.jsonl') },
    singleWriter: false,
    log: () => {},
  });
  // Every change of status and every cycle, refused ones included (they complete no cycle).
  const states: AppState[] = [];
  service.on('statusChanged', (state) => states.push(state));
  service.on('cycleCompleted', () => states.push(service.getState()));
  await service.run({ cycles: steps.length, signal: new AbortController().signal });
  states.push(service.getState());
  return states;
}

describe('recording status', () => {
  it('says "Not recording since" while cycles are refused, then what was moved aside', async () => {
    const states = await statesAfter(['good', 'poison', 'poison', 'good', 'good']);
    const refused = states.find((s) => notRecordingText(s) !== null);
    expect(refused).toBeDefined();
    if (refused === undefined) return;
    expect(notRecordingText(refused)).toMatch(
      /^Not recording since \d\d:\d\d: the database refused a cycle \(ER_WARN_DATA_OUT_OF_RANGE.*moved aside to .*journal\.dead-letter\.jsonl$/,
    );
    expect(trayIconState(refused)).toBe('database-down');
    expect(trayTooltip(refused)).toMatch(/^Not recording since/);
    // No state while refusing claims all is well.
    for (const state of states.filter((s) => notRecordingText(s) !== null)) {
      expect(trayIconState(state)).not.toBe('ok');
    }
    const last = states.at(-1) as AppState;
    expect(notRecordingText(last)).toBeNull();
    expect(last.recording?.movedAside).toBe(2);
    expect(recordingNotices(last)[0]).toMatch(
      /^2 cycle\(s\) the database refused were moved aside/,
    );
  });

  it('shows a MAC collision of the last poll', async () => {
    const states = await statesAfter(['good', 'collision']);
    const last = states.at(-1) as AppState;
    expect(last.recording?.collisions).toEqual([
      expect.stringMatching(
        /^MAC 02:00:00:00:00:02 is claimed by 2 different devices \("AP" and "AP clone"\)/,
      ),
    ]);
    expect(recordingNotices(last)).toHaveLength(1);
  });
});
