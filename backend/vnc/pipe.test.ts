import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cleanups, peak, sendsPerTurn, until, wsPair } from '../../tests/support/ws-streams';
import { pipeWebSockets, TURN_BYTES } from './pipe';

const cleanups: Cleanups = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Viewer ↔ backend ↔ agent, with the backend's two ends piped; returns the outer ends. */
async function relay(highWaterMark = 256 * 1024) {
  const viewerSide = await wsPair(cleanups);
  const agentSide = await wsPair(cleanups);
  const counted = { up: 0, down: 0, reports: 0 };
  pipeWebSockets(viewerSide.server, agentSide.server, {
    highWaterMark,
    onBytes: (direction, bytes) => {
      counted[direction] += bytes;
      counted.reports++;
    },
  });
  return { viewer: viewerSide.client, agent: agentSide.client, backendViewer: viewerSide.server, counted };
}

describe('pipeWebSockets', () => {
  it('relays frames both ways and counts every byte', async () => {
    const { viewer, agent, counted } = await relay();
    const down: Buffer[] = [];
    const up: Buffer[] = [];
    viewer.on('message', (data: Buffer) => down.push(data));
    agent.on('message', (data: Buffer) => up.push(data));
    const frames = Array.from({ length: 40 }, (_, i) => randomBytes(1 + i * 3001));
    for (const frame of frames) agent.send(frame);
    viewer.send(Buffer.from('key event'));
    const total = frames.reduce((n, f) => n + f.length, 0);
    await until(() => down.length === frames.length && up.length === 1);
    expect(Buffer.concat(down).equals(Buffer.concat(frames))).toBe(true);
    expect(up[0]?.toString()).toBe('key event');
    await until(() => counted.down === total);
    expect(counted.up).toBe(9);
    // Reported once per event-loop turn, not once per frame.
    expect(counted.reports).toBeLessThan(frames.length);
  });

  it('stops reading the agent while the viewer does not read, and holds no more than it may', async () => {
    const highWaterMark = 256 * 1024;
    const { viewer, agent, backendViewer } = await relay(highWaterMark);
    let received = 0;
    viewer.on('message', (data: Buffer) => {
      received += data.length;
    });
    viewer.pause();
    const block = randomBytes(64 * 1024);
    const total = 48 * 1024 * 1024;
    let sent = 0;
    const pump = () => {
      while (sent < total && agent.bufferedAmount < 1024 * 1024) {
        agent.send(block);
        sent += block.length;
      }
    };
    const timer = setInterval(pump, 2);
    cleanups.push(() => clearInterval(timer));
    const maxHeld = await peak(() => backendViewer.bufferedAmount);
    expect(maxHeld).toBeGreaterThan(0);
    // Paused at a quarter; the frame that crossed it is queued too.
    expect(maxHeld).toBeLessThanOrEqual(highWaterMark / 4 + 64 * 1024);
    expect(sent).toBeLessThan(total);

    viewer.resume();
    await until(() => received >= total, 30_000);
    expect(received).toBe(total);
  });

  it('moves at most its share per event-loop turn, so busy streams cannot starve quiet ones', async () => {
    // Backpressure out of the way: only the share per turn may hold the relay back.
    const { viewer, agent, backendViewer } = await relay(1024 * 1024 * 1024);
    let received = 0;
    viewer.on('message', (data: Buffer) => {
      received += data.length;
    });
    const total = 8 * 1024 * 1024;
    const { sent: relayed, perTurn } = await sendsPerTurn(
      backendViewer,
      () => {
        for (let i = 0; i < total / 65536; i++) agent.send(randomBytes(65536));
      },
      () => received >= total,
    );
    expect(relayed).toBe(total);
    // The frame that crosses the share is still sent; the pause starts after it.
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(TURN_BYTES + 64 * 1024);
  });
});
