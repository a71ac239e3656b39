import type { IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES, type CallHandlers, callChannel } from '../../shared/ipc-contract';
import { checkCallArgs } from '../../shared/ipc-validation';
import { senderRefusal } from '../../shared/trusted-sender';

/** The part of `ipcMain` we use, so the router can be tested with a stand-in. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
  ): void;
}

export class IpcRefused extends Error {}

/**
 * Registers one handler per call of the contract. Each checks that the sender is one of our
 * top-level pages and that the arguments have the declared shape; a refusal is logged and
 * rejected before any handler runs.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: CallHandlers,
  log: (line: string) => void,
  allowedOrigins?: readonly string[],
): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, ...args) => {
      const frame = event.senderFrame;
      const refusal = senderRefusal(
        { url: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame },
        allowedOrigins,
      );
      if (refusal !== null) {
        log(`Refused IPC call ${name}: ${refusal}`);
        throw new IpcRefused(`${name} refused: ${refusal}`);
      }
      const checked = checkCallArgs(name, args);
      if (!checked.ok) {
        log(`Refused IPC call ${name} from ${frame?.url}: ${checked.reason}`);
        throw new IpcRefused(`${name} refused: ${checked.reason}`);
      }
      const handler = handlers[name] as (...a: unknown[]) => Promise<unknown>;
      return handler(...(checked.args as unknown[]));
    });
  }
}
