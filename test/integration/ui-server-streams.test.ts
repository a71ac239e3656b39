// The event stream of the --ui server with a view that stops reading: its backlog is bounded
// and it is dropped, while a view that reads gets every frame. Real sockets, a real server.

import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EVENT_STREAMS, startUiServer, type UiServer } from '../../electron/core/ui-server';
import type { CallHandlers, EventName, Events } from '../../shared/ipc-contract';
import { until } from '../support/until';

const BACKLOG = 256_000;
let dir: string;
let events: EventEmitter;
let ui: UiServer;
let lines: string[];
let token: string;
const sockets: Socket[] = [];

/** No call is made in these tests: any call would be a failure. */
const noCalls = new Proxy({} as CallHandlers, {
  get: () => () => Promise.reject(new Error('no call expected')),
});

function emit<E extends EventName>(event: E, payload: Events[E]): void {
  events.emit(event, payload);
}

/** An event stream opened on a raw socket; a view that is not `reading` stops after the headers. */
async function openStream(reading: boolean): Promise<{ received: () => number }> {
  const { port } = new URL(ui.url);
  const open = ui.streamCount;
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  let text = '';
  let frames = 0;
  socket.on('error', () => {});
  socket.write(
    `GET /api/events?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  socket.on('data', (chunk: Buffer) => {
    // From the first bytes on, a stuck view reads nothing (a frozen tab, a stuck socket).
    if (!reading) socket.pause();
    text += chunk.toString('latin1');
    const parts = text.split('\n\n');
    text = parts.pop() ?? '';
    frames += parts.filter((part) => part.includes('event: cycleCompleted')).length;
  });
  await until('the stream to open', () => ui.streamCount === open + 1, 5_000);
  return { received: () => frames };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bt-ui-'));
  writeFileSync(
    join(dir, 'popover.html'),
    '<!doctype html><html><head></head><body></body></html>',
  );
  events = new EventEmitter();
  lines = [];
  ui = await startUiServer({
    handlers: noCalls,
    subscribe: (event, listener) => {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    staticDir: dir,
    port: 0,
    log: (line) => lines.push(line),
    maxStreamBacklogBytes: BACKLOG,
  });
  const page = await (await fetch(`${ui.url}/`)).text();
  token = /name="bt-ui-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await ui.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One cycle's event of about `bytes` bytes. */
function bigCycle(bytes: number): Events['cycleCompleted'] {
  return {
    at: new Date().toISOString(),
    routers: [],
    totals: {
      rxMbps: 0,
      txMbps: 0,
      todayRxBytes: '0'.repeat(bytes / 2),
      todayTxBytes: '0'.repeat(bytes / 2),
    },
  };
}

describe('event streams of the --ui server', () => {
  it('drops a view that stops reading once its backlog passes the limit, and keeps a reading one', async () => {
    const stuck = await openStream(false);
    const live = await openStream(true);
    expect(ui.streamCount).toBe(2);
    const frames = 400;
    const before = process.memoryUsage();
    // 40 MB of frames: far more than the kernel's socket buffers can hide.
    for (let i = 0; i < frames; i += 1) {
      emit('cycleCompleted', bigCycle(100_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until('the reading view to get every frame', () => live.received() === frames, 20_000);
    expect(ui.streamCount).toBe(1);
    const dropped = lines.filter((line) => line.startsWith('Dropped a browser view'));
    expect(dropped).toHaveLength(1);
    const waiting = Number(/\((\d+) bytes waiting\)/.exec(dropped[0] ?? '')?.[1]);
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(BACKLOG);
    expect(stuck.received()).toBeLessThan(frames);
    const after = process.memoryUsage();
    const grownMb = (after.heapUsed + after.external - before.heapUsed - before.external) / 1e6;
    console.log(
      `stuck view: ${frames} frames of 100 kB sent; heap+external grew ${grownMb.toFixed(1)} MB`,
    );
    // Kept would be about 40 MB minus the kernel's buffers; dropped leaves a fraction of that.
    expect(grownMb).toBeLessThan(20);
  });

  it('refuses a stream past the limit of open views', async () => {
    for (let i = 0; i < MAX_EVENT_STREAMS; i += 1) await openStream(true);
    expect(ui.streamCount).toBe(MAX_EVENT_STREAMS);
    const refused = await fetch(`${ui.url}/api/events?token=${token}`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      ok: false,
      error: `Too many open views (${MAX_EVENT_STREAMS}): close some tabs and reload.`,
    });
  });
});
