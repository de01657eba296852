import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,backend,agent,stack,main,preload,renderer,tests,scripts,bench}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real Xvnc, PostgreSQL and Chromium; two cores cannot take many at once.
    maxWorkers: 2,
    // Raw RFB clients in tests answer VncAuth, which is DES; OpenSSL 3 keeps DES in its legacy provider.
    execArgv: ['--openssl-legacy-provider'],
  },
});
