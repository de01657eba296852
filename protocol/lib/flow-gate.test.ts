import { describe, expect, it } from 'vitest';
import { createFlowGate } from './flow-gate';

function harness(turnBytes = 100) {
  const calls: string[] = [];
  const deferred: Array<() => void> = [];
  const turns: number[] = [];
  const gate = createFlowGate({
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    turnBytes,
    defer: (cb) => deferred.push(cb),
    onTurnEnd: (n) => turns.push(n),
  });
  const endTurn = () => {
    for (const cb of deferred.splice(0)) cb();
  };
  return { gate, calls, turns, endTurn };
}

describe('createFlowGate', () => {
  it('pauses once the turn share is used and resumes at the next turn', () => {
    const { gate, calls, turns, endTurn } = harness();
    gate.count(60);
    expect(calls).toEqual([]);
    gate.count(60);
    expect(calls).toEqual(['pause']);
    endTurn();
    expect(calls).toEqual(['pause', 'resume']);
    expect(turns).toEqual([120]);
  });

  it('stays paused at the turn end while the reader is still backpressured', () => {
    const { gate, calls, endTurn } = harness();
    gate.setBackpressured(true);
    gate.count(200);
    endTurn();
    expect(calls).toEqual(['pause']);
    gate.setBackpressured(false);
    expect(calls).toEqual(['pause', 'resume']);
    expect(gate.backpressured).toBe(false);
  });

  it('calls pause and resume only when the answer changes', () => {
    const { gate, calls } = harness();
    gate.setBackpressured(true);
    gate.setBackpressured(true);
    gate.count(500);
    gate.setBackpressured(false);
    expect(calls).toEqual(['pause']);
  });

  it('asks for one turn-end callback per turn, not one per chunk', () => {
    const deferred: Array<() => void> = [];
    const gate = createFlowGate({
      pause() {},
      resume() {},
      turnBytes: 1000,
      defer: (cb) => deferred.push(cb),
    });
    for (let i = 0; i < 10; i++) gate.count(10);
    expect(deferred).toHaveLength(1);
  });
});
