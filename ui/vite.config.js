import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Build: `npm run build` writes the SPA to ui/dist (hashed files under dist/assets/); the Go
// binary embeds that directory, so dist is committed and must be rebuilt after UI changes.
//
// Dev: `npm run dev` starts Vite on http://localhost:5173 with hot reload and proxies every
// /api request to the Go server on http://127.0.0.1:8080 (start it first, e.g.
// `go run . serve --addr 127.0.0.1:8080`). Because the browser only talks to Vite, the
// session cookie and the X-CSRF-Token header work same-origin without any CORS setup.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.js'],
    setupFiles: ['src/test/setup.js'],
  },
});
