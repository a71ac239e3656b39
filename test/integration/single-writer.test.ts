import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BandwidthService } from '../../electron/core/bandwidth-service';
import type { AppState } from '../../shared/ipc-contract';
import { type DeviceServer, startDeviceServer } from '../support/device-server';
import { ScriptedNetwork } from '../support/scripted-network';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

let db: TestDatabase;
let devices: DeviceServer;
let network: ScriptedNetwork;
beforeEach(async () => {
  db = await createTestDatabase();
  network = new ScriptedNetwork(3);
  devices = await startDeviceServer(network.respond);
});
afterEach(async () => {
  await devices.close();
  await db.drop();
});

function copy(log: string[]) {
  const service = new BandwidthService({
    settings: { apiUrl: devices.url, intervalMs: 50, timeoutMs: 1_000, mysql: db.settings },
    log: (line) => log.push(line),
  });
  const states: AppState[] = [];
  service.on('statusChanged', (state) => states.push(state));
  const stop = new AbortController();
  const done = service.run({ signal: stop.signal });
  const end = () => {
    stop.abort();
    return done;
  };
  return { service, states, stop: end };
}

describe('several copies on one database', () => {
  it('lets one write, shows the others its figures, and hands over when it stops', async () => {
    const logA: string[] = [];
    const logB: string[] = [];
    const a = copy(logA);
    await until('A writing', () => logA.some((l) => l.includes('This copy is now the writer')));
    const b = copy(logB);
    try {
      await until('B reading', () => b.service.getState().role === 'reader');
      expect(a.service.getState().role).toBe('writer');
      expect(logB.join('\n')).toMatch(/Another copy is writing to this database/);
      // The reader follows what the writer stores.
      const served = network.served;
      await until('more polls', () => network.served >= served + 5);
      // Paused, A keeps the lock but writes nothing more: B must converge on its figures.
      a.service.setPaused(true);
      await until('B to show A’s lifetime totals', () => {
        const own = a.service.getState().routers.map((r) => [r.id, r.lifetimeRxBytes]);
        const seen = b.service.getState().routers.map((r) => [r.id, r.lifetimeRxBytes]);
        return own.length === 3 && JSON.stringify(seen) === JSON.stringify(own);
      });

      expect(b.service.getState().totals.todayRxBytes).toBe(
        a.service.getState().totals.todayRxBytes,
      );
      a.service.setPaused(false);
      const polledByA = network.served;
      const stoppedAt = Date.now();
      await a.stop();
      await until('B to take over', () => b.service.getState().role === 'writer');
      expect(Date.now() - stoppedAt).toBeLessThan(2 * 50 + 500);
      await until('B polling', () => network.served >= polledByA + 3);
      expect(b.states.some((state) => state.role === 'reader')).toBe(true);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
