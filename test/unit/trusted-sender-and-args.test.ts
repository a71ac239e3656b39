import { describe, expect, it } from 'vitest';
import { checkCallArgs } from '../../shared/ipc-validation';
import { APP_ORIGIN, senderRefusal } from '../../shared/trusted-sender';

describe('senderRefusal', () => {
  it('accepts our own top-level pages', () => {
    expect(senderRefusal({ url: `${APP_ORIGIN}/popover.html`, isMainFrame: true })).toBeNull();
    expect(
      senderRefusal({ url: `${APP_ORIGIN}/history.html?router=3`, isMainFrame: true }),
    ).toBeNull();
  });

  it.each([
    [
      { url: 'https://example.com/', isMainFrame: true },
      /origin https:\/\/example\.com is not one of our pages/,
    ],
    [{ url: 'app://evil/popover.html', isMainFrame: true }, /origin app:\/\/evil/],
    [{ url: 'file:///etc/passwd', isMainFrame: true }, /origin file:\/\/ is not/],
    [{ url: `${APP_ORIGIN}/popover.html`, isMainFrame: false }, /sub-frame/],
    [{ url: undefined, isMainFrame: true }, /no URL/],
    [{ url: 'not a url', isMainFrame: true }, /cannot be parsed/],
  ])('refuses %j', (sender, reason) => {
    expect(senderRefusal(sender)).toMatch(reason);
  });
});

describe('checkCallArgs', () => {
  it('accepts the declared shapes', () => {
    expect(checkCallArgs('getState', [])).toEqual({ ok: true, args: [] });
    expect(checkCallArgs('setPaused', [true])).toEqual({ ok: true, args: [true] });
    expect(checkCallArgs('openWindow', ['history', { routerId: 4 }])).toEqual({
      ok: true,
      args: ['history', { routerId: 4 }],
    });
    const request = {
      range: 'custom',
      routerIds: [1, 2],
      timeZone: 'Europe/Paris',
      from: '2026-03-01',
      to: '2026-03-31',
    };
    expect(checkCallArgs('getHistory', [request])).toEqual({ ok: true, args: [request] });
  });

  it.each([
    ['getState', [1]],
    ['setPaused', ['yes']],
    ['openWindow', ['devtools', {}]],
    ['openWindow', ['history', { routerId: -1 }]],
    ['getHistory', [{ range: 'forever', routerIds: [], timeZone: 'UTC' }]],
    ['getHistory', [{ range: 'day', routerIds: ['1; DROP'], timeZone: 'UTC' }]],
    ['getHistory', [{ range: 'day', routerIds: [], timeZone: 'Mars/Olympus' }]],
    [
      'getHistory',
      [{ range: 'custom', routerIds: [], timeZone: 'UTC', from: '2026-04-01', to: '2026-03-01' }],
    ],
    ['saveSettings', ['not an object']],
    ['getState', 'not a list'],
  ] as const)('refuses %s %j', (name, args) => {
    expect(checkCallArgs(name, args).ok).toBe(false);
  });
});
