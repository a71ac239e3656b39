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
    expect(checkCallArgs('setRouterRole', [{ routerId: 3, role: 'edge' }])).toEqual({
      ok: true,
      args: [{ routerId: 3, role: 'edge' }],
    });
    // Only the two fields pass: anything else a page adds is dropped.
    expect(checkCallArgs('setRouterRole', [{ routerId: 3, role: null, sql: 'x' }])).toEqual({
      ok: true,
      args: [{ routerId: 3, role: null }],
    });
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
    [
      'getHistory',
      [{ range: 'custom', routerIds: [], timeZone: 'UTC', from: '2024-01-01', to: '9999-12-30' }],
    ],
    [
      'getHistory',
      [{ range: 'custom', routerIds: [], timeZone: 'UTC', from: '0001-01-01', to: '2024-01-01' }],
    ],
    [
      'getHistory',
      [{ range: 'custom', routerIds: [], timeZone: 'UTC', from: '2024-99-99', to: '2024-12-31' }],
    ],
    ['saveSettings', ['not an object']],
    ['setRouterRole', [{ routerId: 3, role: 'gateway' }]],
    ['setRouterRole', [{ routerId: 0, role: 'edge' }]],
    ['setRouterRole', [{ routerId: '3', role: 'edge' }]],
    ['setRouterRole', [{ routerId: 3 }]],
    ['setRouterRole', [3, 'edge']],
    ['getState', 'not a list'],
  ] as const)('refuses %s %j', (name, args) => {
    expect(checkCallArgs(name, args).ok).toBe(false);
  });

  it('says why a history date is refused', () => {
    const request = { range: 'custom', routerIds: [], timeZone: 'UTC', from: '2024-01-01' };
    expect(checkCallArgs('getHistory', [{ ...request, to: '9999-12-30' }])).toEqual({
      ok: false,
      reason:
        'to "9999-12-30" is out of range: to must be a date from 1970-01-01 to 2199-12-31, written YYYY-MM-DD',
    });
    expect(checkCallArgs('getHistory', [{ ...request, to: '2024-99-99' }])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^to "2024-99-99" is not a date of the calendar/),
    });
  });
});
