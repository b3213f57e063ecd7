// electron-vite: the main process (with the engine's utility-process entry beside it), the
// sandboxed preload (one CommonJS file: a sandboxed preload can require nothing but electron),
// and the renderer, built as renderer/vite.config.ts builds it (paths are resolved here: a
// config imported from another file would see this file's folder as its own).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
const rendererRoot = resolve(import.meta.dirname, 'renderer');
const rendererOutDir = resolve(import.meta.dirname, 'out', 'renderer');

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rolldownOptions: {
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
      rolldownOptions: {
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
      rolldownOptions: { input: resolve(rendererRoot, 'index.html') },
    },
  },
});
