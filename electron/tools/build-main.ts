// Bundles the main process and the preload into dist-electron/. The renderer is built
// separately by Vite.
import { buildMainBundles } from './main-bundles';

await buildMainBundles('dist-electron');
