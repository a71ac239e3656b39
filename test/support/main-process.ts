// Runs the real main-process bundle (as `npm run build` makes it) under plain Node, with the
// recording stand-in for `electron` (test/support/fake-electron), and drives it as the user
// and the OS would.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMainBundles } from '../../electron/tools/main-bundles';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGISTER = join(ROOT, 'test', 'support', 'fake-electron', 'register.cjs');

/** Builds main.cjs and preload.cjs into a fresh folder (never the shared dist-electron/). */
export async function buildBundlesForTest(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'bt-main-bundle-'));
  await buildMainBundles(outdir, { root: ROOT });
  return outdir;
}

export interface FakeState {
  singleInstance: { requested: number; released: number };
  appUserModelId: string | null;
  loginItems: Array<{ openAtLogin: boolean; path?: string; args?: string[] }>;
  dockHidden: boolean;
  dialogs: Array<{ kind: 'error' | 'message'; title?: string; content?: string; detail?: string }>;
  ipcHandlers: string[];
  ipcListeners: string[];
  schemes: string[];
  protocolHandlers: string[];
  tray: {
    tooltip: string;
    title: string;
    image: Array<{ scale: number; png: string }>;
    images: number;
    contextMenu: string[] | null;
    destroyed: boolean;
  } | null;
  windows: Array<{
    id: number;
    url: string;
    title: string | null;
    visible: boolean;
    destroyed: boolean;
    menuRemoved: boolean;
    backgroundColor: string | null;
    position: { x: number; y: number } | null;
    sent: string[];
  }>;
  notifications: Array<{ title: string; body: string; shown: boolean }>;
  exposed: Record<string, string[]>;
  invoked: Array<{ channel: string; args: unknown[] }>;
  rendererSubscriptions: string[];
}

export interface MainRun {
  child: ChildProcess;
  readonly output: string;
  command<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
  state(): Promise<FakeState>;
  /** Exit code and the fake's last state, sent just before the process ended. */
  exited: Promise<{ code: number | null; state: FakeState | null }>;
  kill(): void;
}

export function startMainProcess(
  bundleDir: string,
  options: { env?: Record<string, string>; file?: string; args?: string[] } = {},
): MainRun {
  const child = fork(join(bundleDir, options.file ?? 'main.cjs'), options.args ?? [], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--require', REGISTER],
    env: {
      ...process.env,
      // mysql2 is external to the bundle, as in the packaged app: found in the project.
      NODE_PATH: join(ROOT, 'node_modules'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let lastState: FakeState | null = null;
  child.on(
    'message',
    (message: {
      type: string;
      id?: number;
      result?: unknown;
      error?: string;
      state?: FakeState;
    }) => {
      if (message.type === 'exit') lastState = message.state ?? null;
      if (message.type !== 'reply' || message.id === undefined) return;
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    },
  );
  const exited = new Promise<{ code: number | null; state: FakeState | null }>((resolve) =>
    child.on('exit', (code) => {
      for (const waiter of pending.values())
        waiter.reject(new Error(`main process exited (${code}); output:\n${output}`));
      resolve({ code, state: lastState });
    }),
  );
  const command = <T>(name: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`main process is gone; output:\n${output}`));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ type: 'command', id, command: name, args });
    });
  return {
    child,
    get output() {
      return output;
    },
    command,
    state: () => command<FakeState>('state'),
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
