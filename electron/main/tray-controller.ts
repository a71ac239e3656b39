import { Menu, nativeImage, Tray } from 'electron';
import type { AppState } from '../../shared/ipc-contract';
import { type TrayIconState, trayIconState, trayTooltip } from '../../shared/tray-status';
import { trayIconPng } from './icon-bitmap';

export interface TrayActions {
  togglePopover(bounds: Electron.Rectangle): void;
  openHistory(): void;
  openSettings(): void;
  setPaused(paused: boolean): void;
  quit(): void;
}

function iconFor(state: TrayIconState): Electron.NativeImage {
  const image = nativeImage.createFromBuffer(trayIconPng(state, 16), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(state, 32) });
  return image;
}

/** The tray icon: colour for the state, figures in the tooltip (title on macOS), click and menu. */
export class TrayController {
  private readonly tray: Tray;
  private iconState: TrayIconState | null = null;
  private paused = false;

  constructor(private readonly actions: TrayActions) {
    this.tray = new Tray(iconFor('starting'));
    this.tray.on('click', () => this.actions.togglePopover(this.tray.getBounds()));
    this.tray.on('right-click', () => this.tray.popUpContextMenu(this.menu()));
    // Linux trays often ignore click events and only show the context menu.
    if (process.platform === 'linux') this.tray.setContextMenu(this.menu());
  }

  update(state: AppState): void {
    const icon = trayIconState(state);
    if (icon !== this.iconState) {
      this.tray.setImage(iconFor(icon));
      this.iconState = icon;
    }
    const tooltip = trayTooltip(state);
    this.tray.setToolTip(tooltip);
    if (process.platform === 'darwin') this.tray.setTitle(tooltip.split(' · ')[0] ?? '');
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
