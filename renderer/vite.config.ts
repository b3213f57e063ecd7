// Builds the renderer alone (npm run build:renderer): the end-to-end tests serve out/renderer
// in Chromium, and the packaged app serves the same files on app://airlock/. Vite's own
// transform compiles the TSX (automatic JSX runtime); no plugin is needed.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // Nothing may be fetched from outside the app: no CDN, no font service, no preload hints to one.
  build: {
    // relative to root: out/renderer at the top of the checkout (no Node import in renderer/)
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
