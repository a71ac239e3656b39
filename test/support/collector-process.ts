import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CollectorRun {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when a stdout line matches, rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts the real collector CLI (`npm run collector`'s entry point) as a child process. */
export function startCollector(args: string[], env: Record<string, string> = {}): CollectorRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/collector/main.ts', ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        BT_API_URL: '',
        BT_MYSQL_URL: '',
        BT_INTERVAL: '',
        // Each run its own journal, unless a test shares one on purpose (--journal wins).
        BT_JOURNAL: join(tmpdir(), `bt-journal-${randomUUID()}.jsonl`),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const check of [...waiters]) check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, count = 1, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}gm`);
        const check = () => {
          if ((stdout.match(global)?.length ?? 0) >= count) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(
            new Error(
              `no ${count}× ${pattern} within ${timeoutMs} ms; output:\n${stdout}\n${stderr}`,
            ),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
  };
}

/** Runs the collector to completion and returns its exit code and output. */
export async function runCollector(args: string[], env: Record<string, string> = {}) {
  const run = startCollector(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}
