import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { pageSourcesDigest } from './electron/tools/page-sources';

const page = (name: string) => fileURLToPath(new URL(`./renderer/${name}.html`, import.meta.url));

/** The file the collector reads to know the pages in a folder are a production build of this code. */
export const BUILD_MARKER = 'build.json';

// The pages are always a production build: a NODE_ENV inherited from a test runner ("test")
// would otherwise give React's development build and JSX transform, slower and noisier,
// which the collector would then serve. Set before the React plugin reads it.
process.env.NODE_ENV = 'production';

function productionMarker(): Plugin {
  return {
    name: 'bandwidth-tracker-build-marker',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: BUILD_MARKER,
        source: `${JSON.stringify({
          nodeEnv: 'production',
          sources: pageSourcesDigest(fileURLToPath(new URL('.', import.meta.url))),
        })}\n`,
      });
    },
  };
}

// The renderer: three pages, built to dist/renderer with relative paths so the same files are
// served by Electron's app:// protocol and by the collector's --ui server.
export default defineConfig({
  root: 'renderer',
  base: './',
  mode: 'production',
  plugins: [react(), productionMarker()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles: the pages' CSP forbids them.
    assetsInlineLimit: 0,
    rollupOptions: {
      input: { popover: page('popover'), history: page('history'), settings: page('settings') },
    },
  },
});
