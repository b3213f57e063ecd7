// Builds the renderer alone (npm run build:renderer): the end-to-end tests serve out/renderer
// in Chromium, and the packaged app serves the same files on app://airlock/. Vite's own
// transform compiles the TSX (automatic JSX runtime); no plugin is needed.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export const rendererRoot = import.meta.dirname;
export const rendererOutDir = resolve(import.meta.dirname, '..', 'out', 'renderer');

export default defineConfig({
  root: rendererRoot,
  base: './',
  // Nothing may be fetched from outside the app: no CDN, no font service, no preload hints to one.
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
