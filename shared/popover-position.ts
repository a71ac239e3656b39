// Where the popover goes, as a pure function of the tray icon's bounds and its display, like
// the menubar library's getWindowPosition: unit-tested for every task-bar edge.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TaskbarEdge = 'top' | 'bottom' | 'left' | 'right';

/** The edge the task bar (or menu bar) sits on: where the work area leaves room. */
export function taskbarEdge(tray: Rect, display: Rect, workArea: Rect): TaskbarEdge {
  if (workArea.y > display.y) return 'top';
  if (workArea.x > display.x) return 'left';
  if (workArea.height < display.height) return 'bottom';
  if (workArea.width < display.width) return 'right';
  // Auto-hidden task bar: the tray is on it, so take the display edge nearest the tray.
  const cx = tray.x + tray.width / 2;
  const cy = tray.y + tray.height / 2;
  const distances: Array<[TaskbarEdge, number]> = [
    ['top', cy - display.y],
    ['bottom', display.y + display.height - cy],
    ['left', cx - display.x],
    ['right', display.x + display.width - cx],
  ];
  distances.sort((a, b) => a[1] - b[1]);
  return distances[0]?.[0] ?? 'bottom';
}

const GAP = 4;

/** Top-left corner for a window of `size` next to the tray icon, kept inside the work area. */
export function popoverPosition(
  tray: Rect,
  size: { width: number; height: number },
  display: Rect,
  workArea: Rect,
): { x: number; y: number; edge: TaskbarEdge } {
  const edge = taskbarEdge(tray, display, workArea);
  const centreX = tray.x + tray.width / 2 - size.width / 2;
  const centreY = tray.y + tray.height / 2 - size.height / 2;
  let x: number;
  let y: number;
  switch (edge) {
    case 'top':
      x = centreX;
      y = workArea.y + GAP;
      break;
    case 'bottom':
      x = centreX;
      y = workArea.y + workArea.height - size.height - GAP;
      break;
    case 'left':
      x = workArea.x + GAP;
      y = centreY;
      break;
    case 'right':
      x = workArea.x + workArea.width - size.width - GAP;
      y = centreY;
      break;
  }
  const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);
  return {
    x: Math.round(clamp(x, workArea.x, workArea.x + workArea.width - size.width)),
    y: Math.round(clamp(y, workArea.y, workArea.y + workArea.height - size.height)),
    edge,
  };
}

/**
 * Where the popover goes when the tray icon gives no position: under X11 the cursor (it just
 * clicked the icon) stands for it; on Wayland neither the cursor nor window positions are
 * available to apps, so aim for the top-right corner of the primary display's work area, where
 * most Linux desktops keep their tray (a compositor that ignores the position still shows it).
 */
export function popoverAnchor(
  tray: Rect,
  environment: { wayland: boolean; cursor: () => { x: number; y: number }; primaryWorkArea: Rect },
): Rect {
  if (tray.width > 0 && tray.height > 0) return tray;
  if (!environment.wayland) return { ...environment.cursor(), width: 1, height: 1 };
  const area = environment.primaryWorkArea;
  return { x: area.x + area.width - 1, y: area.y, width: 1, height: 1 };
}

/** Whether this Linux session runs on Wayland (the popover cannot be placed by the app there). */
export function isWaylandSession(env: Record<string, string | undefined>): boolean {
  return env.XDG_SESSION_TYPE === 'wayland' || (env.WAYLAND_DISPLAY ?? '') !== '';
}
