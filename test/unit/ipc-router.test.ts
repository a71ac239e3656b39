import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers } from '../../electron/main/ipc-router';
import { CALL_NAMES, type CallHandlers, callChannel } from '../../shared/ipc-contract';
import { APP_ORIGIN } from '../../shared/trusted-sender';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Stands in for ipcMain and for the sender of an invoke: the Electron boundary, nothing more. */
function setUp() {
  const channels = new Map<string, Listener>();
  const calls: Array<[string, unknown[]]> = [];
  const log: string[] = [];
  const handlers = Object.fromEntries(
    CALL_NAMES.map((name) => [
      name,
      async (...args: unknown[]) => {
        calls.push([name, args]);
        return `${name} done`;
      },
    ]),
  ) as unknown as CallHandlers;
  registerIpcHandlers(
    { handle: (channel, listener) => channels.set(channel, listener) },
    handlers,
    (l) => log.push(l),
  );
  const invoke = (name: string, url: string, args: unknown[], subFrame = false) => {
    const mainFrame = { url };
    const event = {
      sender: { mainFrame },
      senderFrame: subFrame ? { url } : mainFrame,
    } as unknown as IpcMainInvokeEvent;
    const listener = channels.get(callChannel(name as never));
    if (listener === undefined) throw new Error(`no handler for ${name}`);
    return Promise.resolve(listener(event, ...args));
  };
  return { channels, calls, log, invoke };
}

describe('registerIpcHandlers', () => {
  it('registers one channel per call of the contract', () => {
    const { channels } = setUp();
    expect([...channels.keys()].sort()).toEqual(CALL_NAMES.map((n) => `bt:${n}`).sort());
  });

  it('passes a call from our page with good arguments to its handler', async () => {
    const { invoke, calls, log } = setUp();
    await expect(invoke('setPaused', `${APP_ORIGIN}/popover.html`, [true])).resolves.toBe(
      'setPaused done',
    );
    expect(calls).toEqual([['setPaused', [true]]]);
    expect(log).toEqual([]);
  });

  it.each([
    [
      'another origin',
      'https://attacker.example/',
      [true],
      false,
      /origin https:\/\/attacker\.example is not one of our pages/,
    ],
    ['a sub-frame of our page', `${APP_ORIGIN}/popover.html`, [true], true, /sub-frame/],
    ['bad arguments', `${APP_ORIGIN}/popover.html`, ['true'], false, /takes true or false/],
  ])('refuses %s, logs it, and never runs the handler', async (_, url, args, subFrame, reason) => {
    const { invoke, calls, log } = setUp();
    await expect(invoke('setPaused', url, args, subFrame)).rejects.toThrow(reason);
    expect(calls).toEqual([]);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^Refused IPC call setPaused/);
  });
});
