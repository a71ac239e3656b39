import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createInflateRaw, createUnzip } from 'node:zlib';
import { DEFAULT_MAX_RESPONSE_MB as DEFAULT_SETTINGS_MAX_RESPONSE_MB } from '../../../shared/settings';

/**
 * The most a device source may send in one answer, counted both as received and once
 * decompressed. Sized for the largest realistic site: about 2,500 UniFi devices at roughly
 * 25 KB each in `stat/device` (a 48-port switch is ~45 KB, an access point ~15 KB), or some
 * 250,000 devices of the seed API. Past it the answer is an outage, not a crash.
 */
export const DEFAULT_MAX_RESPONSE_MB = DEFAULT_SETTINGS_MAX_RESPONSE_MB;

export function megabytes(mb: number): number {
  return Math.round(mb * 1_000_000);
}

/** The collector's setting that raises the limit, for its messages (the app names its Settings field). */
export const RESPONSE_LIMIT_SETTING = '--max-response-mb (BT_MAX_RESPONSE_MB)';

/** An answer larger than the limit (as sent, or once decompressed): it was cut off unread. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    readonly stage: 'as sent' | 'decompressed',
    /** Where the user raises the limit. */
    setting: string = RESPONSE_LIMIT_SETTING,
  ) {
    super(
      `its answer is larger than the limit of ${formatLimit(limitBytes)} (${stage}). ` +
        `If your site really is that large, raise the limit with ${setting}`,
    );
  }
}

/** The answer is compressed in a way we do not decode. */
export class UnsupportedEncodingError extends Error {}

function formatLimit(bytes: number): string {
  return `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 3 })} MB`;
}

/** A decoder for the answer's Content-Encoding, or null when it is not compressed. */
function decoderFor(encoding: string | undefined): Transform | null {
  const name = (encoding ?? '').trim().toLowerCase();
  switch (name) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // Unzip reads gzip and zlib-wrapped deflate alike.
      return createUnzip();
    case 'br':
      return createBrotliDecompress();
    case 'raw-deflate':
      return createInflateRaw();
    default:
      throw new UnsupportedEncodingError(
        `its answer is compressed as "${name}", which this app does not read`,
      );
  }
}

/**
 * Reads a response body into memory, never more than `limitBytes` as received nor once
 * decompressed (gzip, deflate, br are decoded here, chunk by chunk, so a small bomb cannot
 * inflate past the limit). Past the limit the connection is dropped and a BodyTooLargeError
 * rejects: memory stays bounded even when a server streams without end.
 */
export function readBoundedBody(
  response: IncomingMessage,
  limitBytes: number,
  limitSetting: string = RESPONSE_LIMIT_SETTING,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let decoder: Transform | null = null;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      response.destroy();
      reject(error);
    };
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      fail(new BodyTooLargeError(limitBytes, 'as sent', limitSetting));
      return;
    }
    try {
      decoder = decoderFor(response.headers['content-encoding']);
    } catch (error) {
      fail(error as Error);
      return;
    }
    let received = 0;
    let decoded = 0;
    const chunks: Buffer[] = [];
    const output = decoder ?? response;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) fail(new BodyTooLargeError(limitBytes, 'as sent', limitSetting));
    });
    output.on('data', (chunk: Buffer) => {
      if (settled) return;
      decoded += chunk.length;
      if (decoded > limitBytes) {
        chunks.length = 0;
        fail(
          new BodyTooLargeError(
            limitBytes,
            decoder === null ? 'as sent' : 'decompressed',
            limitSetting,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    output.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    output.once('error', (error: Error) =>
      fail(
        decoder !== null && output === decoder
          ? new UnsupportedEncodingError(`its compressed answer is damaged (${error.message})`)
          : error,
      ),
    );
    if (decoder !== null) {
      response.once('error', fail);
      response.pipe(decoder);
    }
  });
}
