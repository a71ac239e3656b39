import type { ParsedPayload } from '../payload';

export type SourceFailureKind =
  | 'unreachable'
  | 'timeout'
  | 'http-status'
  | 'invalid-body'
  | 'certificate'
  /** The answer was larger than the response limit: cut off unread. */
  | 'too-large'
  /** Credentials refused: the source stops asking until its settings change. */
  | 'login-refused';

/** A poll that produced no device list. The message says what failed and what to do. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly kind: SourceFailureKind,
    /** From a 429's Retry-After: do not ask again sooner. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** Anything that can list devices with their counters: the seed API, a controller, the demo. */
export interface DeviceSource {
  /** For log lines: `device API at http://127.0.0.1:5001/api/unifi/devices`. */
  readonly description: string;
  /** Resolves with the validated devices or rejects with a SourceError. */
  fetchDevices(): Promise<ParsedPayload>;
}

/** A request given up on by its own timeout (AbortSignal.timeout or ours). */
export function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** `ECONNREFUSED` and the like, from an error or the cause fetch wraps it in. */
export function networkErrorCode(error: unknown): string {
  for (const candidate of [error, (error as { cause?: unknown } | null)?.cause]) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message : String(error);
}
