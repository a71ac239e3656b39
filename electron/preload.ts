// Runs in each page before it loads, sandboxed. Exposes `window.bandwidth`: one function per
// call and one subscriber per event of the shared contract, never ipcRenderer itself.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  type BandwidthApi,
  CALL_NAMES,
  callChannel,
  EVENT_NAMES,
  eventChannel,
  subscriberName,
} from '../shared/ipc-contract';
import { unwrapIpcReply } from './main/ipc-reply';

const api: Record<string, unknown> = {};
for (const name of CALL_NAMES) {
  // Main answers { ok, value } or { ok: false, message }: a failure becomes an Error with the
  // message only, not Electron's "Error invoking remote method …" wrapping.
  api[name] = async (...args: unknown[]) =>
    unwrapIpcReply(await ipcRenderer.invoke(callChannel(name), ...args));
}
for (const event of EVENT_NAMES) {
  api[subscriberName(event)] = (listener: (payload: unknown) => void) => {
    // The page gets the payload only, not the IPC event (which carries the sender).
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => {
      ipcRenderer.removeListener(eventChannel(event), wrapped);
    };
  };
}

contextBridge.exposeInMainWorld('bandwidth', api as BandwidthApi);
