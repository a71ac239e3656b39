import type { ResetReason } from '../../shared/types';
import { formatBytes } from '../../shared/units';
import type { RecordedCycle } from './cycle-recorder';

/** `[20:45:00]` in the workstation's local time, as in the design's console output. */
export function clockStamp(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `[${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}]`;
}

export function cycleSummary(cycle: RecordedCycle): string {
  return `📈 Updated bandwidth tracking for ${cycle.tracked.length} device(s)`;
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * A device-supplied text made safe for one console line: control characters (ANSI escape
 * sequences, newlines, C1 codes), bidirectional overrides and line separators become visible
 * escapes, so a router's name can neither fake a log line nor repaint the terminal.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g,
    (char) => ESCAPES[char] ?? codeEscape(char.codePointAt(0) ?? 0),
  );
}

function codeEscape(code: number): string {
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

const RESET_WHY: Record<ResetReason, string> = {
  counters: 'counters went back',
  uptime: 'uptime went back',
  'rebooted-in-gap': 'uptime shorter than the time since the last poll',
};

/** The design's console lines for one recorded cycle. */
export function describeCycle(cycle: RecordedCycle): string[] {
  const stamp = clockStamp(cycle.at);
  const lines: string[] = [];
  for (const device of cycle.tracked) {
    const { delta } = device;
    const name = printable(device.identity.name);
    if (delta.kind === 'delta' && delta.counterReset !== undefined) {
      lines.push(
        `${stamp} ${counterResetLine(name, delta.counterReset, delta.rxDiff, delta.txDiff)}`,
      );
    } else if (delta.kind === 'delta' && (delta.rxDiff > 0n || delta.txDiff > 0n)) {
      lines.push(
        `${stamp} 📊 ${name} — RX +${formatBytes(delta.rxDiff)}, TX +${formatBytes(delta.txDiff)}`,
      );
    } else if (delta.kind === 'glitch' && (delta.jumpRx < 0n || delta.jumpTx < 0n)) {
      const back = (jump: bigint) =>
        jump < 0n ? `−${formatBytes(-jump)}` : `+${formatBytes(jump)}`;
      lines.push(
        `${stamp} ⚠️ ${name} — counters went back (RX ${back(delta.jumpRx)}, TX ${back(delta.jumpTx)}) while the device stayed up, too little for a restart from zero: not counted, new baseline set`,
      );
    } else if (delta.kind === 'glitch') {
      lines.push(
        `${stamp} ⚠️ ${name} — counters jumped RX +${formatBytes(delta.jumpRx)}, TX +${formatBytes(delta.jumpTx)} in ${Math.round(delta.seconds)} s, faster than the link limit: not counted, new baseline set (check the device or raise --max-link-gbps)`,
      );
    } else if (delta.kind === 'reset') {
      const why = RESET_WHY[delta.reason];
      const counted =
        delta.rxDiff > 0n || delta.txDiff > 0n
          ? `RX +${formatBytes(delta.rxDiff)}, TX +${formatBytes(delta.txDiff)} counted since the reboot`
          : 'nothing counted';
      lines.push(
        `${stamp} 🔄 ${name} — counter reset (${why}): router rebooted, new baseline set, ${counted}`,
      );
    }
  }
  lines.push(cycleSummary(cycle));
  return lines;
}

/** Counters that went back while the device stayed up: counted, and said so (not a reboot). */
function counterResetLine(name: string, how: 'restart' | 'wrap', rx: bigint, tx: bigint): string {
  const counted = `RX +${formatBytes(rx)}, TX +${formatBytes(tx)}`;
  return how === 'wrap'
    ? `↪️ ${name} — a 32-bit counter wrapped: ${counted} counted`
    : `🔁 ${name} — counters restarted while the device stayed up (its uptime kept growing: a controller restart, not a reboot): ${counted} counted since`;
}
