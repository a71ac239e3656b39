import { Menu, nativeImage, Tray } from 'electron';
import type { AppState } from '../../shared/ipc-contract';
import {
  TRAY_LEVEL_STEPS,
  type TrayIconState,
  trayIconState,
  trayLevel,
  trayTitle,
  trayTooltip,
} from '../../shared/tray-status';
import { trayIconPng } from './icon-bitmap';

export interface TrayActions {
  togglePopover(bounds: Electron.Rectangle): void;
  openHistory(): void;
  openSettings(): void;
  setPaused(paused: boolean): void;
  quit(): void;
}

function iconFor(state: TrayIconState, level: number): Electron.NativeImage {
  const draw = (size: number) => trayIconPng(state, size, level, TRAY_LEVEL_STEPS);
  const image = nativeImage.createFromBuffer(draw(16), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: draw(32) });
  return image;
}

/**
 * The tray icon: colour for the state and a level bar for the live rate (redrawn when either
 * changes, so every cycle can move it), figures in the tooltip, the rate as the macOS title.
 */
export class TrayController {
  private readonly tray: Tray;
  private iconKey = '';
  private paused = false;

  constructor(private readonly actions: TrayActions) {
    this.tray = new Tray(iconFor('starting', 0));
    this.tray.on('click', () => this.actions.togglePopover(this.tray.getBounds()));
    this.tray.on('right-click', () => this.tray.popUpContextMenu(this.menu()));
    // Linux trays often ignore click events and only show the context menu.
    if (process.platform === 'linux') this.tray.setContextMenu(this.menu());
  }

  update(state: AppState): void {
    const icon = trayIconState(state);
    const level = trayLevel(state);
    const key = `${icon}:${level}`;
    if (key !== this.iconKey) {
      this.tray.setImage(iconFor(icon, level));
      this.iconKey = key;
    }
    this.tray.setToolTip(trayTooltip(state));
    if (process.platform === 'darwin') this.tray.setTitle(trayTitle(state));
    if (state.paused !== this.paused) {
      this.paused = state.paused;
      if (process.platform === 'linux') this.tray.setContextMenu(this.menu());
    }
  }

  destroy(): void {
    this.tray.destroy();
  }

  private menu(): Menu {
    return Menu.buildFromTemplate([
      { label: 'Show usage', click: () => this.actions.togglePopover(this.tray.getBounds()) },
      { label: 'Open history', click: () => this.actions.openHistory() },
      { label: 'Settings', click: () => this.actions.openSettings() },
      { type: 'separator' },
      {
        label: 'Pause polling',
        type: 'checkbox',
        checked: this.paused,
        click: (item) => this.actions.setPaused(item.checked),
      },
      { type: 'separator' },
      { label: 'Quit', click: () => this.actions.quit() },
    ]);
  }
}
