import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { SessionDto } from '../../protocol';
import type { SignedIn } from './api';
import { ProcessMeter } from './proc';
import { median, percentile, round } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  sentAt: number;
  answeredAt: number;
  session: SessionDto;
}

export interface LaunchPhase {
  launches: number;
  launchesPerSecond: number;
  seconds: number;
  distinctAgents: number;
  dispatchP50Ms: number;
  dispatchP90Ms: number;
  dispatchP99Ms: number;
  dispatchMaxMs: number;
  postP50Ms: number;
  postP99Ms: number;
  backendCores: number;
  backendRssMb: number;
  backendPeakRssMb: number;
  /** Context: every process on the machine, and the benchmark's own, in cores. */
  machineCores: number;
  benchCores: number;
  /** How late the benchmark's own event loop ran, which would inflate every latency it measures. */
  benchLoopDelayP99Ms: number;
  /** Every launch's figures, to pool over rounds. */
  dispatchMs: number[];
  postMs: number[];
}

/**
 * Launches `count` sessions at a fixed rate (open loop: a slow answer does not thin out the load)
 * and times each from sending the POST to its agent receiving the `command` frame.
 */
export async function launchPhase(
  pid: number,
  users: readonly SignedIn[],
  received: ReadonlyMap<string, { at: number; agentId: string }>,
  count: number,
  perSecond: number,
): Promise<LaunchPhase> {
  const meter = new ProcessMeter(pid);
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  meter.start();
  const start = performance.now();
  const pending: Array<Promise<Sample>> = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    const client = users[i % users.length] as SignedIn;
    const sentAt = performance.now();
    pending.push(
      client.api
        .createSession({ body: { template: 'xterm' } })
        .then((session) => ({ sentAt, answeredAt: performance.now(), session })),
    );
  }
  const samples = await Promise.all(pending);
  const deadline = Date.now() + 10_000;
  while (samples.some((s) => !received.has(s.session.name)) && Date.now() < deadline) await sleep(20);
  const usage = meter.stop();
  loopDelay.disable();
  const dispatch: number[] = [];
  let wrongAgent = 0;
  for (const s of samples) {
    const r = received.get(s.session.name);
    if (r) dispatch.push(r.at - s.sentAt);
    if (r && r.agentId !== s.session.agentId) wrongAgent++;
  }
  if (dispatch.length !== samples.length || wrongAgent > 0) {
    throw new Error(
      `${samples.length - dispatch.length} commands never arrived, ${wrongAgent} at the wrong agent`,
    );
  }
  const post = samples.map((s) => s.answeredAt - s.sentAt);
  return {
    launches: samples.length,
    launchesPerSecond: perSecond,
    seconds: round(usage.seconds, 1),
    distinctAgents: new Set(samples.map((s) => s.session.agentId)).size,
    dispatchP50Ms: round(median(dispatch), 2),
    dispatchP90Ms: round(percentile(dispatch, 90), 2),
    dispatchP99Ms: round(percentile(dispatch, 99), 2),
    dispatchMaxMs: round(Math.max(...dispatch), 2),
    postP50Ms: round(median(post), 2),
    postP99Ms: round(percentile(post, 99), 2),
    backendCores: round(usage.cores, 3),
    backendRssMb: round(usage.rssMb, 0),
    backendPeakRssMb: round(usage.peakRssMb, 0),
    machineCores: round(usage.machineCores, 2),
    benchCores: round(usage.benchCores, 2),
    benchLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 1),
    dispatchMs: dispatch,
    postMs: post,
  };
}
