import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * In dev only, React's fast-refresh preamble is an inline script that the page's CSP forbids; the
 * built app keeps the strict policy.
 */
const devCsp: Plugin = {
  name: 'streamspace-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Dependencies stay in node_modules: the keyring is a native addon and cannot be bundled.
      externalizeDeps: true,
      rolldownOptions: { input: { index: resolve(__dirname, 'main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but 'electron', so zod and the protocol are bundled in.
      externalizeDeps: false,
      // Sandboxed preloads can only be CommonJS.
      rolldownOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), devCsp],
    // noVNC 1.7 uses top-level await, which only survives an esnext build.
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      target: 'esnext',
      minify: true,
      rolldownOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
    optimizeDeps: { rolldownOptions: { transform: { target: 'esnext' } } },
  },
});
