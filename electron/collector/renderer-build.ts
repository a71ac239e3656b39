import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/** `--ui` serves the built pages; build them once if this checkout has not yet. */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (existsSync(`${RENDERER_DIR}/popover.html`)) return;
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
