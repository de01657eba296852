/**
 * `node --import tsx bench/profile-top.ts <file.cpuprofile> [n] [skip-seconds]`: self time by
 * function, hottest first, from a V8 CPU profile (`--cpu-prof`; BENCH_TUNNEL_PROFILE=<dir> makes
 * the tunnel bench's backend and agent write one each). Samples in the first `skip-seconds` (the
 * process starting up) are left out.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, count, skip] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top <file.cpuprofile> [n]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const skipUs = Number(skip ?? 0) * 1e6;
const hits = new Map<number, number>();
let at = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at < skipUs) return;
  total++;
  hits.set(id, (hits.get(id) ?? 0) + 1);
});
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/work\/main\//, '')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + (hits.get(node.id) ?? 0));
}
const idle = byFunction.get('(idle)') ?? 0;
console.log(`samples ${total}, busy ${(((total - idle) / total) * 100).toFixed(1)}%`);
byFunction.delete('(idle)');
for (const [name, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(count ?? 25))) {
  console.log(`${((n / (total - idle)) * 100).toFixed(1).padStart(5)}%  ${name}`);
}
