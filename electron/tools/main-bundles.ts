// The main-process and preload bundles (CommonJS, as Electron loads a sandboxed preload), used
// by `npm run build` and by the tests that run the real main bundle under Node.
import { join } from 'node:path';
import { build } from 'esbuild';

/** What the main bundle leaves to `require` at run time: Electron itself and mysql2. */
export const MAIN_EXTERNALS = ['electron', 'mysql2', 'mysql2/promise'];

export async function buildMainBundles(outdir: string, options: { root?: string } = {}) {
  const root = options.root ?? '.';
  const shared = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning' as const,
    external: ['electron'],
  };
  await Promise.all([
    build({
      ...shared,
      entryPoints: [join(root, 'electron/main/main.ts')],
      outfile: join(outdir, 'main.cjs'),
      // mysql2 stays a runtime dependency (electron-builder ships node_modules).
      external: MAIN_EXTERNALS,
    }),
    build({
      ...shared,
      entryPoints: [join(root, 'electron/preload.ts')],
      outfile: join(outdir, 'preload.cjs'),
    }),
  ]);
}
