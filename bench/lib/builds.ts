import { BACKEND_ENTRY } from './backend-process';

/** A build of the control plane a benchmark runs. */
export interface Build {
  label: string;
  entry: string;
}

/**
 * This build, and with BENCH_BASELINE_ENTRY another one (say, the commit before a change, built
 * with `npm run build:server` in a checkout of it) run beside it in the same run, so both see the
 * same machine and the same neighbours.
 */
export function buildsToCompare(env: NodeJS.ProcessEnv = process.env): Build[] {
  const builds: Build[] = [{ label: 'this build', entry: BACKEND_ENTRY }];
  if (env.BENCH_BASELINE_ENTRY) builds.push({ label: 'baseline', entry: env.BENCH_BASELINE_ENTRY });
  return builds;
}

/**
 * The order to run builds in, round by round: ABAB… would give A every first slot after a pause,
 * so odd rounds run in reverse (AB BA AB), and a drift in the machine's load falls on both alike.
 */
export function inRoundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

/** `value` of this build over `value` of the baseline, as "0.42×"; empty when there is none. */
export function ratio(value: number, baseline: number | undefined): string {
  if (baseline === undefined || !Number.isFinite(baseline) || baseline === 0) return '';
  return `${(value / baseline).toFixed(2)}×`;
}
