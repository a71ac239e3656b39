// What one poll cycle allocates and costs outside the database, stage by stage: parse (the
// answer's text to readings), track (deltas and baselines, as the recorder does), live (the
// live state), console (the design's line per device, written to a file as one write).
//
//   npx tsx test/bench/cycle-alloc.ts [--devices=10000] [--cycles=30]
//
// Run it under node with a young generation large enough that a stage never collects
// (`--max-semi-space-size=256`, `--expose-gc`): the heap's growth over a stage is then what the
// stage allocated. Without `--expose-gc` it only times the stages (CPU per stage, GC per cycle)
// under whatever flags it was given (the collector's, say):
//
//   node --expose-gc --max-semi-space-size=256 --import tsx test/bench/cycle-alloc.ts
//   node --max-semi-space-size=16 --heap-growing-percent=10 --import tsx test/bench/cycle-alloc.ts
//
// BT_ALLOC_PROFILE=FILE.heapprofile samples every allocation of the measured cycles, garbage
// included (V8's sampling heap profiler, every 4 KB), for Chrome DevTools or a script.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { describeCycle } from '../../electron/core/console-report';
import {
  baselineReading,
  type RecordedCycle,
  type TrackedDevice,
} from '../../electron/core/cycle-recorder';
import { LiveState } from '../../electron/core/live-state';
import { ReadingMemory } from '../../electron/core/payload';
import { parseDevicesJson } from '../../electron/core/sources/seed-api-source';
import { BandwidthTracker } from '../../electron/core/tracker';
import { payloadText } from './bench-payload';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const devices = arg('devices', 10_000);
const cycles = arg('cycles', 30);
const gc = (globalThis as { gc?: () => void }).gc;

const stages = ['parse', 'track', 'live', 'console'] as const;
type Stage = (typeof stages)[number];
const cpu: Record<Stage, number[]> = { parse: [], track: [], live: [], console: [] };
const allocated: Record<Stage, number[]> = { parse: [], track: [], live: [], console: [] };
let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount += 1;
  }
}).observe({ entryTypes: ['gc'] });

function measure<T>(stage: Stage, measured: boolean, work: () => T): T {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(started);
  const heapAfter = process.memoryUsage().heapUsed;
  if (measured) {
    cpu[stage].push((used.user + used.system) / 1000);
    allocated[stage].push(heapAfter - heapBefore);
  }
  return result;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const tracker = new BandwidthTracker<number>();
// The source's memory of the last poll, as createSeedApiSource keeps it.
const memory = new ReadingMemory();
const live = new LiveState('UTC');
const ids = new Map<string, number>();
const logPath = join(tmpdir(), `bt-cycle-alloc-${process.pid}.txt`);
const log = openSync(logPath, 'w');
// Bytes, as the HTTP client receives them (outside the heap): each cycle decodes its own text.
const bodies = Array.from({ length: cycles + 2 }, (_, cycle) =>
  Buffer.from(payloadText(devices, cycle + 1)),
);
const start = Date.UTC(2026, 10, 27, 12);
const profileFile = process.env.BT_ALLOC_PROFILE;
const inspector = profileFile ? new Session() : null;
const gcPerCycle: number[] = [];
const cyclePerCycle: number[] = [];
const rssAfter: number[] = [];
for (let cycle = 0; cycle < bodies.length; cycle += 1) {
  // The first two cycles set the baselines: warm-up, not measured.
  const measured = cycle >= 2;
  if (cycle === 2 && inspector !== null) {
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const gcBefore = gcMs;
  const cycleStarted = process.cpuUsage();
  const at = new Date(start + cycle * 60_000);
  const monotonic = { copy: 'bench', ms: cycle * 60_000 };
  const parsed = measure('parse', measured, () =>
    parseDevicesJson((bodies[cycle] as Buffer).toString('utf8'), 'bench', memory),
  );
  const recorded = measure('track', measured, (): RecordedCycle => {
    const tracked: TrackedDevice[] = [];
    for (const device of parsed.devices) {
      const counters = device.counters;
      if (counters === null) continue;
      let routerId = ids.get(device.identity.mac);
      if (routerId === undefined) {
        routerId = ids.size + 1;
        ids.set(device.identity.mac, routerId);
      }
      const previous = tracker.get(routerId) ?? null;
      const delta = tracker.computeDelta(routerId, counters, { at, monotonic });
      tracked.push({
        routerId,
        identity: device.identity,
        counters,
        delta,
        previous,
        rates: device.rates,
      });
    }
    for (const t of tracked) {
      tracker.accept(t.routerId, baselineReading(t.counters, { at, monotonic }, null, null));
    }
    return { at, tracked, untracked: [], stale: [], roundTrips: 1 };
  });
  measure('live', measured, () => live.apply(recorded));
  measure('console', measured, () => {
    writeSync(log, `${describeCycle(recorded).join('\n')}\n`);
  });
  const used = process.cpuUsage(cycleStarted);
  // GC entries are delivered asynchronously: let them arrive before reading this cycle's.
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (measured) {
    gcPerCycle.push(gcMs - gcBefore);
    cyclePerCycle.push((used.user + used.system) / 1000);
    rssAfter.push(process.memoryUsage().rss);
  }
}
closeSync(log);
if (inspector !== null && profileFile) {
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  writeFileSync(profileFile, JSON.stringify(profile));
}
const mb = (bytes: number) => Number((bytes / 1_000_000).toFixed(2));
const ms = (value: number) => Number(value.toFixed(2));
const result = {
  devices,
  cycles,
  exposeGc: gc !== undefined,
  execArgv: process.execArgv.join(' '),
  cpu_ms: Object.fromEntries(stages.map((s) => [s, ms(median(cpu[s]))])),
  ...(gc === undefined
    ? {}
    : { allocated_mb: Object.fromEntries(stages.map((s) => [s, mb(median(allocated[s]))])) }),
  cycle_cpu_ms: ms(median(cyclePerCycle)),
  gc_ms_per_cycle: ms(median(gcPerCycle)),
  gc_events: gcCount,
  rss_mb_last: mb(rssAfter.at(-1) ?? 0),
};
console.log(JSON.stringify(result));
