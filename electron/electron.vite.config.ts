/**
 * The build (`npm run build`): electron-vite bundles the main process (an ES module, with each
 * worker its own entry beside it), the preload (CommonJS: a sandboxed preload cannot be a module)
 * and the renderer (Vite), into out/main, out/preload and out/renderer, which electron-builder packages.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: {
        input: {
          main: resolve(root, 'electron/main/main.ts'),
          'reconcile-worker': resolve(root, 'electron/main/workspace/reconcile-worker.ts'),
          'import-worker': resolve(root, 'electron/import/import-worker.ts'),
          'export-worker': resolve(root, 'electron/main/workspace/export-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      emptyOutDir: true,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      // The charts are the one large dependency and only the summary needs them: their own chunk.
      rollupOptions: { input: resolve(root, 'renderer/index.html'), output: { manualChunks: (id: string) => (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'charts' : undefined) } },
    },
  },
});
