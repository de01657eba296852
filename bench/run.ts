/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all by default) and writes
 * bench/results/<name>.json. Figures are medians, percentiles and ratios from one run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchApi } from './api';
import { benchFanin } from './fanin';
import { benchKubernetes } from './kubernetes';
import { benchLaunch } from './launch';
import { benchTunnel } from './tunnel';
import { benchViewer } from './viewer';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  launch: benchLaunch,
  tunnel: benchTunnel,
  api: benchApi,
  fanin: benchFanin,
  kubernetes: benchKubernetes,
  viewer: benchViewer,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length > 0 ? wanted : Object.keys(benches);
  const unknown = names.filter((n) => !benches[n]);
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const run = benches[name] as () => Promise<Record<string, unknown>>;
    const result = await run();
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ bench: name, at: new Date().toISOString(), ...result }, null, 2)}\n`,
    );
    console.log(`wrote ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
