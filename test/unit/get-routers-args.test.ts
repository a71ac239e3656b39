import { describe, expect, it } from 'vitest';
import { LIVE_EVENT_ROUTERS } from '../../shared/ipc-contract';
import { checkCallArgs } from '../../shared/ipc-validation';

describe('getRouters arguments', () => {
  it(`takes one list of at most ${LIVE_EVENT_ROUTERS} positive router ids`, () => {
    expect(checkCallArgs('getRouters', [[1, 2, 3]])).toEqual({ ok: true, args: [[1, 2, 3]] });
    expect(checkCallArgs('getRouters', [[]])).toEqual({ ok: true, args: [[]] });
    const many = Array.from({ length: LIVE_EVENT_ROUTERS + 1 }, (_, i) => i + 1);
    for (const bad of [[many], [[0]], [[1.5]], [['1']], [[1], [2]], [], [{ length: 1 }]]) {
      expect(checkCallArgs('getRouters', bad).ok).toBe(false);
    }
  });
});
