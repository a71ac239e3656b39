import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { type IpcReply, registerIpcHandlers, unwrapIpcReply } from '../../electron/main/ipc-router';
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
    await expect(invoke('setPaused', `${APP_ORIGIN}/popover.html`, [true])).resolves.toEqual({
      ok: true,
      value: 'setPaused done',
    });
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
    const reply = (await invoke('setPaused', url, args, subFrame)) as IpcReply;
    expect(reply.ok).toBe(false);
    expect(() => unwrapIpcReply(reply)).toThrow(reason);
    expect(calls).toEqual([]);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^Refused IPC call setPaused/);
  });

  it('sends a handler’s error as its message alone, for the page to show', async () => {
    const channels = new Map<string, Listener>();
    const failing = Object.fromEntries(
      CALL_NAMES.map((name) => [
        name,
        async () => {
          throw new Error('The database is not connected yet: wait a moment and try again');
        },
      ]),
    ) as unknown as CallHandlers;
    registerIpcHandlers({ handle: (c, l) => channels.set(c, l) }, failing, () => {});
    const mainFrame = { url: `${APP_ORIGIN}/history.html` };
    const event = {
      sender: { mainFrame },
      senderFrame: mainFrame,
    } as unknown as IpcMainInvokeEvent;
    const reply = (await channels.get('bt:getState')?.(event)) as IpcReply;
    expect(reply).toEqual({
      ok: false,
      message: 'The database is not connected yet: wait a moment and try again',
    });
    expect(() => unwrapIpcReply(reply)).toThrow(
      /^The database is not connected yet: wait a moment and try again$/,
    );
  });
});
