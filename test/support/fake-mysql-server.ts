import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';

/** What one client sent to the fake server. */
export interface CapturedConnection {
  /** Every byte the client sent, in order. */
  bytes: Buffer;
  /** The auth response of its handshake (empty: it sent no password). */
  authResponse: Buffer | null;
  user: string | null;
}

export interface FakeMysqlServer {
  port: number;
  /** The 20-byte challenge the server sends every client. */
  scramble: Buffer;
  readonly connections: CapturedConnection[];
  /** True if any byte sequence that would reveal this password reached the server. */
  sawPassword(password: string): boolean;
  close(): Promise<void>;
}

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest();

/** The mysql_native_password answer a client computes for this password and challenge. */
export function nativePasswordScramble(password: string, scramble: Buffer): Buffer {
  const stage1 = sha1(password);
  const stage2 = sha1(stage1);
  const mask = sha1(Buffer.concat([scramble, stage2]));
  return Buffer.from(stage1.map((byte, i) => byte ^ (mask[i] ?? 0)));
}

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, payload]);
}

/** Handshake v10 offering mysql_native_password and no TLS, so the client answers in the open. */
function handshake(scramble: Buffer): Buffer {
  const capabilities = 0x0001 | 0x0008 | 0x0200 | 0x2000 | 0x8000 | 0x80000;
  const fixed = Buffer.alloc(1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let at = 0;
  const version = Buffer.from('5.7.99-fake\0');
  fixed[at++] = 0x0a;
  fixed.writeUInt32LE(7, at);
  at += 4;
  scramble.copy(fixed, at, 0, 8);
  at += 8;
  fixed[at++] = 0;
  fixed.writeUInt16LE(capabilities & 0xffff, at);
  at += 2;
  fixed[at++] = 33;
  fixed.writeUInt16LE(0x0002, at);
  at += 2;
  fixed.writeUInt16LE(capabilities >>> 16, at);
  at += 2;
  fixed[at++] = 21;
  return Buffer.concat([
    Buffer.from([0x0a]),
    version,
    fixed.subarray(1),
    scramble.subarray(8, 20),
    Buffer.from([0]),
    Buffer.from('mysql_native_password\0'),
  ]);
}

/** Reads user and auth response from a HandshakeResponse41 payload. */
function parseHandshakeResponse(payload: Buffer): { user: string; authResponse: Buffer } | null {
  if (payload.length < 33) return null;
  let at = 32;
  const userEnd = payload.indexOf(0, at);
  if (userEnd < 0) return null;
  const user = payload.subarray(at, userEnd).toString();
  at = userEnd + 1;
  const length = payload[at] ?? 0;
  return { user, authResponse: payload.subarray(at + 1, at + 1 + length) };
}

/**
 * A TCP server that speaks just enough of the MySQL protocol (handshake v10) for a client to
 * send its login, records every byte, then refuses the login. Stands in for a server run by
 * someone who wants the stored password.
 */
export async function startFakeMysqlServer(): Promise<FakeMysqlServer> {
  const scramble = Buffer.from('0123456789abcdefghij');
  const connections: CapturedConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const captured: CapturedConnection = { bytes: Buffer.alloc(0), authResponse: null, user: null };
    connections.push(captured);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      captured.bytes = Buffer.concat([captured.bytes, chunk]);
      if (captured.user !== null || captured.bytes.length < 4) return;
      const length = captured.bytes.readUIntLE(0, 3);
      if (captured.bytes.length < 4 + length) return;
      const parsed = parseHandshakeResponse(captured.bytes.subarray(4, 4 + length));
      captured.user = parsed?.user ?? '';
      captured.authResponse = parsed?.authResponse ?? null;
      const error = Buffer.concat([
        Buffer.from([0xff]),
        Buffer.from([0x15, 0x04]), // 1045, access denied
        Buffer.from('#28000'),
        Buffer.from(`Access denied for user '${captured.user}' (fake server)`),
      ]);
      socket.end(packet(2, error));
    });
    socket.write(packet(0, handshake(scramble)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    scramble,
    connections,
    sawPassword(password) {
      const stage1 = sha1(password);
      const tells = [
        Buffer.from(password),
        stage1,
        sha1(stage1),
        nativePasswordScramble(password, scramble),
      ];
      return connections.some((c) => tells.some((tell) => c.bytes.includes(tell)));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
