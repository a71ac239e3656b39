import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake device API does for one request. */
export type DeviceResponse =
  | { devices: unknown[] }
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true };

export interface DeviceServer {
  /** Base URL to pass as --api-url. */
  url: string;
  /** How many requests reached /api/unifi/devices. */
  readonly requests: number;
  /** Replace what the next requests get. */
  respondWith(next: (request: number) => DeviceResponse): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for the design's "UniFi API server". Big counters are
 * written as bare JSON integers (bigint → digits), the way a real server sends them.
 */
export async function startDeviceServer(
  respond: (request: number) => DeviceResponse,
): Promise<DeviceServer> {
  let handler = respond;
  let requests = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || req.url !== '/api/unifi/devices') {
      res.writeHead(404).end('not found');
      return;
    }
    const answer = handler(requests);
    requests += 1;
    if ('hang' in answer) return;
    if ('devices' in answer) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(toJson(answer.devices));
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    respondWith(next) {
      handler = next;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function toJson(value: unknown): string {
  const marker = '__bigint__';
  return JSON.stringify(value, (_, v) =>
    typeof v === 'bigint' ? `${marker}${v}${marker}` : v,
  ).replace(new RegExp(`"${marker}(\\d+)${marker}"`, 'g'), '$1');
}
