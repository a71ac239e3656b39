import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { normalizeFingerprint } from '../../../shared/fingerprint';
import { DEFAULT_MAX_RESPONSE_MB, megabytes, readBoundedBody } from './bounded-body';

export { formatFingerprint, normalizeFingerprint } from '../../../shared/fingerprint';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The most the answer may hold, as sent and once decompressed (see bounded-body.ts). */
  maxBodyBytes?: number;
  /** Where the user raises that limit, for the message past it. */
  limitSetting?: string;
  /**
   * SHA-256 fingerprint of the one certificate to accept (a pinned self-signed controller):
   * checked before a byte of the request is sent. Null: normal verification against the CAs.
   */
  fingerprint: string | null;
}

/** The certificate did not verify, or did not match the pinned fingerprint. */
export class CertificateError extends Error {
  constructor(
    message: string,
    readonly reason: 'untrusted' | 'mismatch',
    /** What the server presented, so the user can decide to trust it. */
    readonly seenFingerprint: string | null,
  ) {
    super(message);
  }
}

/** The server's certificate fingerprint, read without verifying it and without sending anything. */
export async function peekFingerprint(url: URL, timeoutMs: number): Promise<string | null> {
  try {
    const socket = await tlsConnect(url, false, timeoutMs);
    const seen = socket.getPeerCertificate().fingerprint256;
    socket.destroy();
    return normalizeFingerprint(seen ?? '');
  } catch {
    return null;
  }
}

/**
 * The certificate a server presents and whether the system's CAs trust it (for Settings to
 * show the fingerprint and offer to trust it). Sends nothing but the TLS handshake.
 */
export async function inspectCertificate(
  url: URL,
  timeoutMs: number,
): Promise<{ fingerprint: string; trusted: boolean }> {
  let socket: TLSSocket;
  try {
    socket = await verifiedSocket(url, timeoutMs);
  } catch (error) {
    if (!(error instanceof CertificateError) || error.seenFingerprint === null) throw error;
    return { fingerprint: error.seenFingerprint, trusted: false };
  }
  const fingerprint = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
  socket.destroy();
  if (fingerprint === null) throw new Error('the server presented no readable certificate');
  return { fingerprint, trusted: true };
}

function tlsConnect(url: URL, verify: boolean, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({
      host,
      port: Number(url.port || 443),
      servername: isIP(host) === 0 ? host : undefined,
      rejectUnauthorized: verify,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Verified against the system's CAs; an untrusted certificate becomes a CertificateError with its fingerprint. */
async function verifiedSocket(url: URL, timeoutMs: number): Promise<TLSSocket> {
  try {
    return await tlsConnect(url, true, timeoutMs);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!CERTIFICATE_CODES.has(code)) throw error;
    const seen = await peekFingerprint(url, timeoutMs);
    throw new CertificateError(`its certificate is not trusted (${code})`, 'untrusted', seen);
  }
}

/** A TLS connection whose certificate is verified, or pinned, before anything is sent on it. */
async function secureSocket(url: URL, options: RequestOptions): Promise<TLSSocket> {
  if (options.fingerprint === null) return verifiedSocket(url, options.timeoutMs);
  const socket = await tlsConnect(url, false, options.timeoutMs);
  const seen = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
  if (seen !== options.fingerprint) {
    socket.destroy();
    throw new CertificateError(
      'its certificate does not match the trusted fingerprint',
      'mismatch',
      seen,
    );
  }
  return socket;
}

/** One request on a fresh connection (a poll a minute needs no keep-alive). */
export async function sendRequest(url: URL, options: RequestOptions): Promise<HttpResponse> {
  const tls = url.protocol === 'https:';
  const socket = tls ? await secureSocket(url, options) : null;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(options.body));
    const common = {
      method: options.method ?? 'GET',
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers,
      signal: AbortSignal.timeout(options.timeoutMs),
    };
    const request = tls
      ? httpsRequest({ ...common, createConnection: () => socket as TLSSocket })
      : httpRequest(common);
    request.once('response', (response) => {
      readBoundedBody(
        response,
        options.maxBodyBytes ?? megabytes(DEFAULT_MAX_RESPONSE_MB),
        options.limitSetting,
      ).then(
        (body) =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: body.toString('utf8'),
          }),
        (error: unknown) => {
          request.destroy();
          socket?.destroy();
          reject(error);
        },
      );
    });
    request.once('error', (error) => {
      socket?.destroy();
      reject(error);
    });
    request.end(options.body);
  });
}
