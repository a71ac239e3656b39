import type { ResetReason } from '../../shared/types';
import { byteUnit, formatBytes, hundredthsOf, LAST_UNIT } from '../../shared/units';
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
 * sequences, newlines, C1 codes), bidirectional marks and overrides, invisible characters and
 * line separators become visible escapes, so a router's name can neither fake a log line, nor
 * repaint the terminal, nor pass for another router's name.
 */
export function printable(text: string): string {
  // Most names are plain ASCII: one look at each character, no regular expression.
  let plain = true;
  for (let i = 0; i < text.length && plain; i += 1) {
    const code = text.charCodeAt(i);
    plain = code >= 32 && code < 127 && code !== 92;
  }
  if (plain) return text;
  return text.replace(UNPRINTABLE, (char) => ESCAPES[char] ?? codeEscape(char.codePointAt(0) ?? 0));
}

/**
 * Control and format characters (bidi marks and overrides, zero-width spaces, the soft hyphen,
 * tag characters), line separators, lone surrogates, the invisible Hangul fillers, and the
 * backslash. Not the zero-width joiner: emoji sequences need it, and it hides nothing.
 */
const UNPRINTABLE = /(?!\u200d)[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\\]/gu;

function codeEscape(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

const RESET_WHY: Record<ResetReason, string> = {
  counters: 'counters went back',
  uptime: 'uptime went back',
  'rebooted-in-gap': 'uptime shorter than the time since the last poll',
};

/**
 * The design's console lines for one recorded cycle: the device lines as one text (joined by
 * `\n`, left out when there are none), then the summary line. Written straight to one buffer
 * as UTF-8, so a cycle of 10,000 devices makes one string, not 10,000 lines and their figures
 * to be joined; joined by `\n`, the two are the cycle's console output.
 */
export function describeCycle(cycle: RecordedCycle): string[] {
  const text = new LineWriter(clockStamp(cycle.at));
  for (const device of cycle.tracked) {
    const { delta } = device;
    if (delta.kind === 'delta' && delta.counterReset === undefined) {
      if (delta.rxDiff > 0n || delta.txDiff > 0n) text.usage(device.identity.name, delta);
      continue;
    }
    const name = printable(device.identity.name);
    if (delta.kind === 'delta' && delta.counterReset !== undefined) {
      text.line(counterResetLine(name, delta.counterReset, delta.rxDiff, delta.txDiff));
    } else if (delta.kind === 'glitch' && (delta.jumpRx < 0n || delta.jumpTx < 0n)) {
      const back = (jump: bigint) =>
        jump < 0n ? `−${formatBytes(-jump)}` : `+${formatBytes(jump)}`;
      text.line(
        `⚠️ ${name} — counters went back (RX ${back(delta.jumpRx)}, TX ${back(delta.jumpTx)}) while the device stayed up, too little for a restart from zero: not counted, new baseline set`,
      );
    } else if (delta.kind === 'glitch') {
      text.line(
        `⚠️ ${name} — counters jumped RX +${formatBytes(delta.jumpRx)}, TX +${formatBytes(delta.jumpTx)} in ${Math.round(delta.seconds)} s, faster than the link limit: not counted, new baseline set (check the device or raise --max-link-gbps)`,
      );
    } else if (delta.kind === 'reset') {
      const why = RESET_WHY[delta.reason];
      const counted =
        delta.rxDiff > 0n || delta.txDiff > 0n
          ? `RX +${formatBytes(delta.rxDiff)}, TX +${formatBytes(delta.txDiff)} counted since the reboot`
          : 'nothing counted';
      text.line(
        `🔄 ${name} — counter reset (${why}): router rebooted, new baseline set, ${counted}`,
      );
    }
  }
  const lines = text.done();
  return lines === null ? [cycleSummary(cycle)] : [lines, cycleSummary(cycle)];
}

const encoded = (text: string) => Uint8Array.from(Buffer.from(text, 'utf8'));
const USAGE_ICON = encoded(' 📊 ');
const USAGE_RX = encoded(' — RX +');
const USAGE_TX = encoded(', TX +');
const UNIT_NAMES = Array.from({ length: LAST_UNIT + 1 }, (_, unit) =>
  encoded(` ${byteUnit(unit)}`),
);
const NEWLINE = 10;
const DOT = 46;
const ZERO = 48;
const BACKSLASH = 92;

/**
 * The buffer device lines are written to, kept from one cycle to the next (outside the heap:
 * the garbage collector never copies it). Grows to the largest cycle's text; starts small.
 */
let shared: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

/** Device lines written as UTF-8 bytes: the 📊 line's figures as digits, with no string per line. */
class LineWriter {
  private buffer = shared;
  private length = 0;
  private readonly stamp: Uint8Array;

  constructor(stamp: string) {
    this.stamp = encoded(stamp);
  }

  /** `[20:45:00] 📊 NAME — RX +1.00 MB, TX +500.00 KB`, byte for byte what a template would make. */
  usage(name: string, delta: { rxDiff: bigint; txDiff: bigint }): void {
    // printable() writes at most six ASCII bytes for one UTF-16 unit (`\u202e`).
    this.room(64 + 6 * name.length);
    this.start();
    this.bytes(USAGE_ICON);
    this.name(name);
    this.bytes(USAGE_RX);
    this.byteCount(delta.rxDiff);
    this.bytes(USAGE_TX);
    this.byteCount(delta.txDiff);
  }

  /** A line made as a string (the rare kinds): the stamp, a space, then the line. */
  line(text: string): void {
    this.room(16 + 3 * text.length);
    this.start();
    this.buffer[this.length++] = 32;
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The lines written, as one string; null when there were none. */
  done(): string | null {
    if (this.length === 0) return null;
    const text = this.buffer.toString('utf8', 0, this.length);
    shared = this.buffer;
    return text;
  }

  private start(): void {
    if (this.length > 0) this.buffer[this.length++] = NEWLINE;
    this.bytes(this.stamp);
  }

  /** The name as printable() has it: plain ASCII byte by byte, anything else through printable(). */
  private name(name: string): void {
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < name.length; i += 1) {
      const code = name.charCodeAt(i);
      if (code < 32 || code >= 127 || code === BACKSLASH) {
        this.length += buffer.write(printable(name), this.length, 'utf8');
        return;
      }
      buffer[at++] = code;
    }
    this.length = at;
  }

  /** formatBytes(value) written as digits, without a string (past 2^53, through formatBytes). */
  private byteCount(value: bigint): void {
    const count = Number(value);
    if (!Number.isSafeInteger(count) || count < 0) {
      this.length += this.buffer.write(formatBytes(value), this.length, 'latin1');
      return;
    }
    if (count < 1000) {
      this.integer(count);
      this.bytes(UNIT_NAMES[0] as Uint8Array);
      return;
    }
    let scaled = count;
    let unit = 0;
    while (scaled >= 1000 && unit < LAST_UNIT) {
      scaled /= 1000;
      unit += 1;
    }
    let hundredths = hundredthsOf(scaled);
    if (unit < LAST_UNIT && hundredths >= 100_000) {
      scaled /= 1000;
      unit += 1;
      hundredths = hundredthsOf(scaled);
    }
    const whole = Math.floor(hundredths / 100);
    const cents = hundredths - whole * 100;
    this.integer(whole);
    const buffer = this.buffer;
    buffer[this.length++] = DOT;
    buffer[this.length++] = ZERO + Math.floor(cents / 10);
    buffer[this.length++] = ZERO + (cents % 10);
    this.bytes(UNIT_NAMES[unit] as Uint8Array);
  }

  /** A non-negative safe integer's decimal digits. */
  private integer(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    const buffer = this.buffer;
    let at = this.length + digits;
    this.length = at;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      buffer[--at] = ZERO + (rest - next * 10);
      rest = next;
    } while (rest > 0);
  }

  private bytes(bytes: Uint8Array): void {
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < bytes.length; i += 1) buffer[at++] = bytes[i] as number;
    this.length = at;
  }

  /** At least `bytes` free after what is written (doubling, so growth is rare). */
  private room(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** Counters that went back while the device stayed up: counted, and said so (not a reboot). */
function counterResetLine(name: string, how: 'restart' | 'wrap', rx: bigint, tx: bigint): string {
  const counted = `RX +${formatBytes(rx)}, TX +${formatBytes(tx)}`;
  return how === 'wrap'
    ? `↪️ ${name} — a 32-bit counter wrapped: ${counted} counted`
    : `🔁 ${name} — counters restarted while the device stayed up (its uptime kept growing: a controller restart, not a reboot): ${counted} counted since`;
}
