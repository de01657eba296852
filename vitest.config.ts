import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,backend,agent,stack,main,preload,renderer,tests,scripts,bench}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real Xvnc, PostgreSQL and Chromium; two cores cannot take many at once.
    maxWorkers: 2,
    // agent/thumbnails/des.test.ts checks our DES against OpenSSL's, which OpenSSL 3 keeps in its legacy provider.
    execArgv: ['--openssl-legacy-provider'],
  },
});
