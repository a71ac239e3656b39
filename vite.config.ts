import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const page = (name: string) => fileURLToPath(new URL(`./renderer/${name}.html`, import.meta.url));

// The renderer: three pages, built to dist/renderer with relative paths so the same files are
// served by Electron's app:// protocol and by the collector's --ui server.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
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
