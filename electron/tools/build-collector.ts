// Bundles the headless collector into one file run by plain Node: no TypeScript loader in the
// long-running process (it costs about 60 MB of memory and start-up time).
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/collector/main.ts'],
  outfile: 'dist-electron/collector.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  packages: 'external',
});
