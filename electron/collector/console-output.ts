// The collector's console. Its reader may go away (`| head`, a `tee` that dies, a log shipper
// restarting): writing to a closed pipe then fails with EPIPE, which, unhandled, ended the
// process and the recording with it. The cycles go on being recorded; the lines are dropped,
// and that is said once on stderr.
import type { Writable } from 'node:stream';

const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function consoleLines(
  out: Writable = process.stdout,
  warn: (message: string) => void = (message) => {
    try {
      process.stderr.write(message);
    } catch {
      // stderr gone too: nothing left to tell.
    }
  },
): (line: string) => void {
  let closed = false;
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (!CLOSED.has(error.code ?? '')) throw error;
    if (closed) return;
    closed = true;
    warn(
      'Bandwidth Tracker collector: the console output was closed (its reader went away); recording goes on without console lines.\n',
    );
  });
  return (line) => {
    if (!closed) out.write(`${line}\n`);
  };
}
