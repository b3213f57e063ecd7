// electron-vite: the main process (with the engine's utility-process entry beside it), the
// sandboxed preload (one CommonJS file: a sandboxed preload can require nothing but electron),
// and the renderer, which is the same build as renderer/vite.config.ts.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererOutDir, rendererRoot } from './renderer/vite.config.js';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          engine: resolve(import.meta.dirname, 'electron/engine/index.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: rendererRoot,
    base: './',
    build: {
      outDir: rendererOutDir,
      target: 'chrome130',
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rollupOptions: { input: resolve(rendererRoot, 'index.html') },
    },
  },
});
