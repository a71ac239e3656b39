import type { IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES, type CallHandlers, callChannel } from '../../shared/ipc-contract';
import { checkCallArgs } from '../../shared/ipc-validation';
import { senderRefusal } from '../../shared/trusted-sender';
import type { IpcReply } from './ipc-reply';

export { type IpcReply, unwrapIpcReply } from './ipc-reply';

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
    ipcMain.handle(callChannel(name), async (event, ...args): Promise<IpcReply> => {
      const frame = event.senderFrame;
      const refusal = senderRefusal(
        { url: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame },
        allowedOrigins,
      );
      if (refusal !== null) {
        log(`Refused IPC call ${name}: ${refusal}`);
        return { ok: false, message: new IpcRefused(`${name} refused: ${refusal}`).message };
      }
      const checked = checkCallArgs(name, args);
      if (!checked.ok) {
        log(`Refused IPC call ${name} from ${frame?.url}: ${checked.reason}`);
        return { ok: false, message: new IpcRefused(`${name} refused: ${checked.reason}`).message };
      }
      const handler = handlers[name] as (...a: unknown[]) => Promise<unknown>;
      try {
        return { ok: true, value: await handler(...(checked.args as unknown[])) };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    });
  }
}
