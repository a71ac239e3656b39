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
    expect(pixel(8, 8)).toEqual([211, 47, 47, 255]);
    expect(pixel(0, 0)[3]).toBe(0);
    expect(trayIconPng('ok', 16).equals(png)).toBe(false);
  });
});
