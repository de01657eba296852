// Bundles the Node entry points (headless stack, control plane, agent) into out/server.
// Dependencies stay external: PGlite ships WASM and the keyring is a native addon.
import { build } from 'esbuild';

await build({
  entryPoints: {
    serve: 'stack/serve.ts',
    backend: 'backend/main.ts',
    agent: 'agent/main.ts',
  },
  outdir: 'out/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
