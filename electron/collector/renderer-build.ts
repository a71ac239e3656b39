import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

/** `--ui` serves the built pages; build them once if this checkout has not yet. */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(join(RENDERER_DIR, 'popover.html'))) return;
  log('Building the pages once (vite build)…');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error('Building the pages failed: run "npm run build" to see why');
}
