import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const client = (file: string) => fileURLToPath(new URL(`../typescript/src/${file}`, import.meta.url));
// the show categories and their subcategories are the events contract's own list (a plain module, no dependencies)
const categories = fileURLToPath(new URL('../../packages/events/src/contracts/categories.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    // the typed documents' ES sources: bundled as ES modules (the package's dist is CommonJS for Node)
    alias: { '@wavegraph/client/documents': client('documents.ts'), '@wavegraph/client/ws': client('ws.ts'), '@wavegraph/events/categories': categories },
    dedupe: ['graphql'],
  },
  // hls.js and the typed documents make one bundle of about 1 MB (300 kB gzipped): one file is simpler to serve
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
