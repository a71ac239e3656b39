import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the pages from the current sources into a temporary folder and returns it, so a
 * browser test never runs stale output and never writes into the checkout (dist/renderer is
 * what the collector and the app serve). Pass it to the collector as BT_RENDERER_DIR.
 */
export function buildRenderer(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'bt-renderer-'));
  const result = spawnSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--logLevel',
      'error',
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  return outDir;
}
