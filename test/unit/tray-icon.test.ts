import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconPng } from '../../electron/main/icon-bitmap';

describe('trayIconPng', () => {
  it('draws a valid RGBA PNG whose centre has the state colour and whose corners are clear', () => {
    const png = trayIconPng('database-down', 16);
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png.readUInt32BE(16)).toBe(16);
    expect(png.readUInt32BE(20)).toBe(16);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const pixel = (x: number, y: number) =>
      Array.from(raw.subarray(y * 65 + 1 + x * 4, y * 65 + 5 + x * 4));
    expect(pixel(5, 8)).toEqual([211, 47, 47, 255]);
    expect(pixel(0, 0)[3]).toBe(0);
    expect(trayIconPng('ok', 16).equals(png)).toBe(false);
  });

  it('fills the level bar from the bottom in proportion to the level', () => {
    const filledRows = (level: number) => {
      const png = trayIconPng('ok', 16, level, 8);
      const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
      let rows = 0;
      for (let y = 1; y < 15; y += 1) {
        const at = y * 65 + 1 + 13 * 4;
        if (raw[at] === 38 && raw[at + 1] === 166 && raw[at + 3] === 255) rows += 1;
      }
      return rows;
    };
    expect(filledRows(0)).toBe(0);
    expect(filledRows(4)).toBe(7);
    expect(filledRows(8)).toBe(14);
    expect(trayIconPng('ok', 16, 3).equals(trayIconPng('ok', 16, 4))).toBe(false);
  });
});
