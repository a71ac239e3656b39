// Shared by main (which answers) and the preload (which unwraps): nothing else, so the sandboxed
// preload bundle stays small.

/**
 * What crosses the IPC channel: the result, or the error's message alone. Electron would turn a
 * thrown error into "Error invoking remote method 'bt:getHistory': Error: …"; the preload
 * unwraps this and throws an Error with the message only, which is what the pages show.
 */
export type IpcReply = { ok: true; value: unknown } | { ok: false; message: string };

export function unwrapIpcReply(reply: IpcReply): unknown {
  if (reply.ok) return reply.value;
  throw new Error(reply.message);
}
