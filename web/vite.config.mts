import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console's build: a Preact single-page app bundled into web/dist (served by the hub at `/`). Vite's
 * oxc JSX transform with `jsxImportSource: 'preact'` does what @preact/preset-vite would, without the
 * plugin (which does not install with this Vite).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // the main chunk is ~110 kB minified; the workbench's own chunk (CodeMirror, loaded when it opens) ~330 kB
    chunkSizeWarningLimit: 350,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
