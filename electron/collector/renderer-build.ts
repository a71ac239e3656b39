import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageSourcesDigest } from '../tools/page-sources';

/** The checkout's root, whether this runs from source (tsx) or from the bundle in dist-electron/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('cannot find the project folder (no package.json above the collector)');
    dir = parent;
  }
  return dir;
}

const ROOT = projectRoot();
/** Where the built pages are: dist/renderer, or BT_RENDERER_DIR (tests build outside the tree). */
export const RENDERER_DIR = process.env.BT_RENDERER_DIR || join(ROOT, 'dist', 'renderer');

/**
 * True when `dir` holds a production build (vite.config.ts writes build.json into it) of the
 * pages' sources as they are now in the checkout `root`.
 */
export function isProductionBuild(dir: string, root = ROOT): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as {
      nodeEnv?: unknown;
      sources?: unknown;
    };
    const sources = pageSourcesDigest(root);
    return (
      marker.nodeEnv === 'production' &&
      (sources === null || marker.sources === sources) &&
      existsSync(join(dir, 'popover.html'))
    );
  } catch {
    return false;
  }
}

/**
 * `--ui` serves the built pages; build them if this checkout has not yet, or if what is there
 * is not a production build (an older `npm test` left React's development build behind), or
 * was built from older sources (after a `git pull`, the pages would not match the collector).
 */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (isProductionBuild(RENDERER_DIR)) return;
  log('Building the pages once (vite build)…');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', RENDERER_DIR],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error('Building the pages failed: run "npm run build" to see why');
}
