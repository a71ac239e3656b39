import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import {
  type CallHandlers,
  EVENT_NAMES,
  type EventName,
  type Events,
  isCallName,
  type Unsubscribe,
} from '../../shared/ipc-contract';
import { checkCallArgs } from '../../shared/ipc-validation';
import { printable } from './console-report';
import { RateLimit } from './rate-limit';

/** Same policy as the Electron pages: our own scripts only, nothing inline, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const PAGES: Record<string, string> = {
  '/': 'popover.html',
  '/popover.html': 'popover.html',
  '/history.html': 'history.html',
  '/settings.html': 'settings.html',
};

const MAX_BODY_BYTES = 1_000_000;

/** The meta tag that carries the per-run token into every page (read by renderer/client/http-client.ts). */
export const TOKEN_META_NAME = 'bt-ui-token';
/** The header a page sends its token in; a custom header also keeps other sites from sending it. */
export const TOKEN_HEADER = 'x-bt-token';

/**
 * Event frames one browser view may have waiting: a view that stops reading (a suspended tab,
 * a stuck socket) is dropped past this; a live one reconnects and gets the next full state.
 */
export const MAX_STREAM_BACKLOG_BYTES = 1_000_000;
/** Open event streams at most, so connections cannot be piled up to exhaust memory. */
export const MAX_EVENT_STREAMS = 32;

export interface UiServerOptions {
  handlers: CallHandlers;
  subscribe: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => Unsubscribe;
  /** The built renderer (vite's output folder). */
  staticDir: string;
  port: number;
  log?: (line: string) => void;
  /** Frames a view may have waiting before it is dropped (tests lower it). */
  maxStreamBacklogBytes?: number;
}

export interface UiServer {
  url: string;
  /** Open event streams, for tests and diagnostics. */
  readonly streamCount: number;
  close(): Promise<void>;
}

/**
 * The browser transport of the contract for the headless collector: the same pages and the
 * same handler table as the tray app, over HTTP with Server-Sent Events, on 127.0.0.1 only.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const log = options.log ?? (() => {});
  const streams = new Set<ServerResponse>();
  let allowedHosts: Set<string> = new Set();
  // A secret for this run only: served inside our pages, required on every call and stream.
  const token = randomBytes(32).toString('base64url');
  const maxBacklog = options.maxStreamBacklogBytes ?? MAX_STREAM_BACKLOG_BYTES;
  // Refusals are logged, but a caller hammering the server cannot flood the log.
  const refusalLines = new RateLimit(10, 60_000);
  const refuse = (res: ServerResponse, what: string, why: string, message: string) => {
    // The call name comes from the caller's URL: printed as one visible line.
    if (refusalLines.take() === 0)
      log(`Refused UI request ${printable(what.slice(0, 80))}: ${why}`);
    sendJson(res, 403, { ok: false, error: message });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`UI request ${req.method} ${printable(req.url ?? '')} failed: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal error' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding and cross-site requests: only our own loopback address may talk to us.
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) {
      sendJson(res, 421, { ok: false, error: `Host "${host}" is not served here` });
      return;
    }
    const origin = req.headers.origin;
    // A browser's Origin is always scheme://host:port; anything else is not one of our pages.
    if (
      origin !== undefined &&
      !(origin.startsWith('http://') && allowedHosts.has(origin.slice('http://'.length)))
    ) {
      sendJson(res, 403, { ok: false, error: `Origin "${origin}" may not call this server` });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: 'use POST' });
        return;
      }
      const name = url.pathname.slice('/api/call/'.length);
      // Browsers always send Origin with a POST: a request without one is not from our pages.
      if (origin === undefined) {
        refuse(
          res,
          `call ${name}`,
          'no Origin header',
          'Refused: calls are taken only from the Bandwidth Tracker pages served here (the request has no Origin header).',
        );
        return;
      }
      if (!tokenMatches(req.headers[TOKEN_HEADER])) {
        refuse(res, `call ${name}`, 'missing or wrong page token', STALE_PAGE);
        return;
      }
      await handleCall(name, req, res);
      return;
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      // EventSource cannot set headers: the page passes its token in the query.
      if (!tokenMatches(url.searchParams.get('token') ?? undefined)) {
        refuse(res, 'events', 'missing or wrong page token', STALE_PAGE);
        return;
      }
      if (streams.size >= MAX_EVENT_STREAMS) {
        sendJson(res, 503, {
          ok: false,
          error: `Too many open views (${MAX_EVENT_STREAMS}): close some tabs and reload.`,
        });
        return;
      }
      openEventStream(res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { ok: false, error: 'method not allowed' });
      return;
    }
    await serveStatic(url.pathname, res);
  }

  function tokenMatches(sent: string | string[] | undefined): boolean {
    if (typeof sent !== 'string') return false;
    const a = Buffer.from(sent);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function handleCall(
    name: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (!isCallName(name)) {
      sendJson(res, 404, { ok: false, error: `unknown call "${name}"` });
      return;
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, { ok: false, error: 'send application/json' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendJson(res, 400, { ok: false, error: 'the body is not JSON' });
      return;
    }
    const args = (body as { args?: unknown } | null)?.args;
    const checked = checkCallArgs(name, args);
    if (!checked.ok) {
      log(`Refused UI call ${name}: ${checked.reason}`);
      sendJson(res, 400, { ok: false, error: checked.reason });
      return;
    }
    try {
      const handler = options.handlers[name] as (...a: unknown[]) => Promise<unknown>;
      const result = await handler(...(checked.args as unknown[]));
      sendJson(res, 200, { ok: true, result: result ?? null });
    } catch (error) {
      sendJson(res, 503, {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    listen();
    res.on('close', () => {
      streams.delete(res);
      stopListeningIfIdle();
    });
  }

  // The service's events are listened to only while a view is open: with none, the live
  // views of every router are not even built (see BandwidthService.afterCycle).
  let unsubscribers: Unsubscribe[] = [];
  function stopListeningIfIdle(): void {
    if (streams.size > 0) return;
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }
  function listen(): void {
    if (unsubscribers.length > 0) return;
    unsubscribers = EVENT_NAMES.map((event) =>
      options.subscribe(event, (payload) => {
        const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
        for (const stream of streams) {
          // Frames a view does not read pile up in memory: past the limit the view is dropped.
          if (stream.writableLength + frame.length > maxBacklog) {
            log(
              `Dropped a browser view that stopped reading events (${stream.writableLength} bytes waiting); it reconnects when it reads again.`,
            );
            streams.delete(stream);
            stream.destroy();
            continue;
          }
          stream.write(frame);
        }
        stopListeningIfIdle();
      }),
    );
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const file = PAGES[pathname] ?? pathname.replace(/^\/+/, '');
    const root = normalize(options.staticDir);
    const full = normalize(join(root, file));
    if (!full.startsWith(root + sep)) {
      sendJson(res, 404, { ok: false, error: 'not found' });
      return;
    }
    let content: Buffer;
    try {
      content = await readFile(full);
      if (PAGES[pathname] !== undefined) content = withToken(content, token);
    } catch {
      res.writeHead(404, securityHeaders({ 'content-type': 'text/plain; charset=utf-8' }));
      res.end(
        PAGES[pathname] === undefined
          ? 'Not found'
          : 'The pages are not built yet: run "npm run build" and reload.',
      );
      return;
    }
    res.writeHead(
      200,
      securityHeaders({
        'content-type': CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
        'cache-control': extname(full) === '.html' ? 'no-store' : 'max-age=3600',
      }),
    );
    res.end(content);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}`,
    get streamCount() {
      return streams.size;
    },
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers = [];
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const STALE_PAGE =
  'Refused: this page’s session token is missing or out of date (the collector restarted since it was loaded). Reload the page.';

/** Our page with the run's token in a meta tag: script-free, so the strict CSP still holds. */
function withToken(page: Buffer, token: string): Buffer {
  const html = page.toString('utf8');
  const at = html.indexOf('<head>');
  if (at < 0) return page;
  const tag = `<meta name="${TOKEN_META_NAME}" content="${token}" />`;
  return Buffer.from(`${html.slice(0, at + 6)}${tag}${html.slice(at + 6)}`);
}

function securityHeaders(extra: Record<string, string>): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, securityHeaders({ 'content-type': 'application/json; charset=utf-8' }));
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
