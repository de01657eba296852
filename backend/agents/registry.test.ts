import { describe, expect, it } from 'vitest';
import { type AgentCandidate, pickAgent } from './registry';

const agent = (id: string, maxSessions = 10): AgentCandidate => ({
  id,
  name: `agent-${id}`,
  runtime: 'local',
  maxSessions,
});

describe('pickAgent', () => {
  it('takes the agent with the fewest live sessions, ties by name', () => {
    const [a, b, c] = [agent('a'), agent('b'), agent('c')];
    expect(pickAgent([c, b, a], new Map([['a', 2]]))?.id).toBe('b');
    expect(pickAgent([c, b, a], new Map())?.id).toBe('a');
  });

  it('never goes past maxSessions, and answers null when everyone is full', () => {
    const small = agent('a', 1);
    const big = agent('b', 5);
    expect(pickAgent([small, big], new Map([['b', 3]]))?.id).toBe('a');
    expect(
      pickAgent(
        [small, big],
        new Map([
          ['a', 1],
          ['b', 3],
        ]),
      )?.id,
    ).toBe('b');
    expect(
      pickAgent(
        [small, big],
        new Map([
          ['a', 1],
          ['b', 5],
        ]),
      ),
    ).toBeNull();
    expect(pickAgent([], new Map())).toBeNull();
  });
});
