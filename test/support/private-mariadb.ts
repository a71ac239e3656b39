import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

const SERVER_BINARY = '/usr/sbin/mariadbd';
const INSTALL_BINARY = '/usr/bin/mariadb-install-db';

/** Why a private server cannot run here, or null when it can. */
export function privateMariaDbUnavailable(): string | null {
  if (!existsSync(SERVER_BINARY) || !existsSync(INSTALL_BINARY)) {
    return `no MariaDB server binaries (${SERVER_BINARY}, ${INSTALL_BINARY}): install mariadb-server`;
  }
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * A MariaDB server of the test's own, in a temporary data directory, that the test can stop
 * and start again (the shared server must never be stopped). Root without a password.
 */
export class PrivateMariaDb {
  private process: ChildProcess | null = null;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'bt-mariadb-'));
    const installed = spawnSync(
      INSTALL_BINARY,
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { encoding: 'utf8' },
    );
    if (installed.status !== 0) {
      throw new Error(`mariadb-install-db failed: ${installed.stderr || installed.stdout}`);
    }
    const server = new PrivateMariaDb(dir, await freePort());
    await server.start();
    return server;
  }

  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.process !== null;
  }

  async start(): Promise<void> {
    if (this.process !== null) return;
    const child = spawn(
      SERVER_BINARY,
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const connection = await mysql.createConnection({
          host: '127.0.0.1',
          port: this.port,
          user: 'root',
        });
        await connection.end();
        return;
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          this.process = null;
          throw new Error(
            `the private MariaDB on port ${this.port} did not start: ${String(error)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** A clean shutdown (SIGTERM), waiting for the process to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (child === null) return;
    this.process = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
