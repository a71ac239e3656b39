import { deflateSync } from 'node:zlib';
import type { TrayIconState } from '../../shared/tray-status';

// Tray icons are drawn here rather than shipped as files: a filled dot whose colour is the
// state and a level bar for the live rate, readable on light and dark task bars thanks to a
// thin dark outline.
const COLOURS: Record<TrayIconState, [number, number, number]> = {
  ok: [38, 166, 91],
  'source-down': [230, 140, 20],
  'database-down': [211, 47, 47],
  paused: [140, 146, 156],
  starting: [30, 120, 220],
};

const DARK = [30, 30, 30] as const;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A `size`×`size` RGBA PNG: the state's dot on the left and, on the right, a bar filled from the
 * bottom to `level` of `steps` (the live rate), so usage shows at a glance without a tooltip.
 */
export function trayIconPng(state: TrayIconState, size: number, level = 0, steps = 8): Buffer {
  const [r, g, b] = COLOURS[state];
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const centre = { x: size * 0.33 - 0.5, y: (size - 1) / 2 };
  const radius = size * 0.3;
  const ringWidth = Math.max(1, size / 16);
  const bar = { left: Math.round(size * 0.69), right: size };
  const inner = { top: ringWidth, bottom: size - ringWidth };
  const filledFrom = inner.bottom - ((inner.bottom - inner.top) * Math.min(level, steps)) / steps;
  const put = (offset: number, rgb: readonly number[], alpha: number) => {
    raw[offset] = rgb[0] ?? 0;
    raw[offset + 1] = rgb[1] ?? 0;
    raw[offset + 2] = rgb[2] ?? 0;
    raw[offset + 3] = alpha;
  };
  for (let y = 0; y < size; y += 1) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      const offset = row + 1 + x * 4;
      if (x >= bar.left && x < bar.right) {
        // The bar: a dark frame, the state colour up to the level, a faint track above it.
        const frame = x === bar.left || x === bar.right - 1 || y === 0 || y === size - 1;
        if (frame) put(offset, DARK, 255);
        else if (y + 0.5 >= filledFrom) put(offset, [r, g, b], 255);
        else put(offset, DARK, 60);
        continue;
      }
      const distance = Math.hypot(x - centre.x, y - centre.y);
      const coverage = Math.max(0, Math.min(1, radius + 0.5 - distance));
      const ring = distance > radius - ringWidth;
      put(offset, ring ? DARK : [r, g, b], Math.round(coverage * 255));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
