import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');

/**
 * The web shell. `npm run build:web` writes web/dist, which the server serves at `/`
 * (src/app.ts) with index.html for client routes. `npx vite --config web/vite.config.ts`
 * runs a dev server that forwards /api to a server on :8080 (`npm run dev`).
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(webRoot, 'dist'),
    emptyOutDir: true,
    // Mantine and React together pass Vite's 500 kB warning; the app is one screen set behind a login.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // The message catalogs live with the server (src/platform/i18n/locales); the web reads the same files.
    fs: { allow: [repoRoot] },
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
