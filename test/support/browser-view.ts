import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { type CollectorRun, startCollector } from './collector-process';

/**
 * The collector with its browser view on a free port, serving the pages built in `rendererDir`.
 * Resolves once the view's address is printed.
 */
export async function startCollectorView(
  args: readonly string[],
  rendererDir: string,
  env: Record<string, string> = {},
): Promise<{ collector: CollectorRun; baseUrl: string }> {
  const collector = startCollector([...args, '--ui-port', '0'], {
    BT_RENDERER_DIR: rendererDir,
    ...env,
  });
  await collector.waitFor(/^Browser view: http:\/\/127\.0\.0\.1:\d+\//);
  const baseUrl = /Browser view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(collector.stdout)?.[1] ?? '';
  return { collector, baseUrl };
}

/** Resolves after `count` more cycles of the collector (its `📈 Updated` line, quiet or not). */
export async function collectorCycles(collector: CollectorRun, count: number): Promise<void> {
  const seen = collector.stdout.match(/^📈 Updated/gm)?.length ?? 0;
  await collector.waitFor(/^📈 Updated/, seen + count);
}

/** What a browser-view test started; any part may be missing when its start failed. */
export interface BrowserViewParts {
  browser?: Browser;
  collector?: CollectorRun;
  servers?: ReadonlyArray<{ close(): Promise<void> } | undefined>;
  db?: { drop(): Promise<void> };
  dirs?: ReadonlyArray<string | undefined>;
}

/** Stops it all, last started first: the browser, the collector, the servers, the database, the folders. */
export async function stopBrowserView(parts: BrowserViewParts): Promise<void> {
  await parts.browser?.close();
  parts.collector?.child.kill('SIGTERM');
  await parts.collector?.exited;
  for (const server of parts.servers ?? []) await server?.close();
  await parts.db?.drop();
  for (const dir of parts.dirs ?? []) if (dir) rmSync(dir, { recursive: true, force: true });
}
