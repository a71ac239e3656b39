import { describe, expect, it } from 'vitest';
import {
  isWaylandSession,
  popoverAnchor,
  popoverPosition,
  type Rect,
  taskbarEdge,
} from '../../shared/popover-position';

const display: Rect = { x: 0, y: 0, width: 1920, height: 1080 };
const size = { width: 380, height: 520 };

describe('popoverPosition', () => {
  it('puts it under a tray at the top (macOS menu bar, GNOME top bar)', () => {
    const workArea = { x: 0, y: 25, width: 1920, height: 1055 };
    const tray = { x: 1500, y: 0, width: 22, height: 25 };
    expect(popoverPosition(tray, size, display, workArea)).toEqual({ x: 1321, y: 29, edge: 'top' });
  });

  it('puts it above a tray at the bottom (Windows task bar)', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    const tray = { x: 1700, y: 1045, width: 24, height: 30 };
    expect(popoverPosition(tray, size, display, workArea)).toEqual({
      x: 1522,
      y: 516,
      edge: 'bottom',
    });
  });

  it('puts it beside a tray on a left task bar', () => {
    const workArea = { x: 60, y: 0, width: 1860, height: 1080 };
    const tray = { x: 10, y: 900, width: 40, height: 40 };
    expect(popoverPosition(tray, size, display, workArea)).toEqual({ x: 64, y: 560, edge: 'left' });
  });

  it('puts it beside a tray on a right task bar, kept inside the screen', () => {
    const workArea = { x: 0, y: 0, width: 1860, height: 1080 };
    const tray = { x: 1870, y: 1040, width: 40, height: 40 };
    const position = popoverPosition(tray, size, display, workArea);
    expect(position).toEqual({ x: 1476, y: 560, edge: 'right' });
  });

  it('keeps it on a second display to the right of the first', () => {
    const second: Rect = { x: 1920, y: 0, width: 2560, height: 1440 };
    const workArea = { x: 1920, y: 0, width: 2560, height: 1400 };
    const tray = { x: 4460, y: 1405, width: 20, height: 30 };
    const position = popoverPosition(tray, size, second, workArea);
    expect(position.edge).toBe('bottom');
    expect(position.x).toBe(1920 + 2560 - 380);
    expect(position.y).toBe(1400 - 520 - 4);
  });

  it('falls back to the edge nearest the tray when the task bar hides itself', () => {
    expect(taskbarEdge({ x: 1800, y: 1060, width: 20, height: 20 }, display, display)).toBe(
      'bottom',
    );
    expect(taskbarEdge({ x: 5, y: 500, width: 20, height: 20 }, display, display)).toBe('left');
    expect(taskbarEdge({ x: 900, y: 2, width: 20, height: 20 }, display, display)).toBe('top');
  });
});

describe('popoverAnchor', () => {
  const primaryWorkArea = { x: 0, y: 27, width: 1920, height: 1053 };
  const cursor = () => ({ x: 1500, y: 10 });
  it('uses the tray bounds when the tray gives them', () => {
    const tray = { x: 1800, y: 0, width: 24, height: 24 };
    expect(popoverAnchor(tray, { wayland: true, cursor, primaryWorkArea })).toBe(tray);
  });
  it('falls back to the cursor on X11 and to the top-right corner on Wayland', () => {
    const empty = { x: 0, y: 0, width: 0, height: 0 };
    expect(popoverAnchor(empty, { wayland: false, cursor, primaryWorkArea })).toEqual({
      x: 1500,
      y: 10,
      width: 1,
      height: 1,
    });
    expect(
      popoverAnchor(empty, {
        wayland: true,
        cursor: () => {
          throw new Error('not on Wayland');
        },
        primaryWorkArea,
      }),
    ).toEqual({ x: 1919, y: 27, width: 1, height: 1 });
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'wayland' })).toBe(true);
    expect(isWaylandSession({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'x11', DISPLAY: ':0' })).toBe(false);
  });
});
