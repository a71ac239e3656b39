// Bundles the main process and the preload into dist-electron/ (CommonJS, as Electron loads a
// sandboxed preload). The renderer is built separately by Vite.
import { build } from 'esbuild';

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
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist-electron/main.cjs',
    // mysql2 stays a runtime dependency (electron-builder ships node_modules).
    external: ['electron', 'mysql2', 'mysql2/promise'],
  }),
  build({ ...shared, entryPoints: ['electron/preload.ts'], outfile: 'dist-electron/preload.cjs' }),
]);
