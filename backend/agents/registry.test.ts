import { describe, expect, it } from 'vitest';
import { type AgentCandidate, isSharedLocal, mayServe, pickAgent } from './registry';

const agent = (id: string, maxSessions = 10): AgentCandidate => ({
  id,
  name: `agent-${id}`,
  runtime: 'local',
  maxSessions,
  ownerUserId: null,
  shared: true,
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

describe('mayServe', () => {
  const alice = { id: 'alice-id' };
  const bob = { id: 'bob-id' };
  const local = { runtime: 'local' as const, ownerUserId: alice.id, shared: false };

  it("keeps a local-runtime agent to its owner, since they would share the agent's Unix account", () => {
    expect(mayServe(local, alice)).toBe(true);
    expect(mayServe(local, bob)).toBe(false);
    // One made before owners existed serves nobody until an admin names one or shares it.
    expect(mayServe({ ...local, ownerUserId: null }, alice)).toBe(false);
  });

  it('lets everyone onto a shared local-runtime agent, and onto any kubernetes agent', () => {
    expect(mayServe({ ...local, shared: true }, bob)).toBe(true);
    expect(isSharedLocal({ ...local, shared: true })).toBe(true);
    expect(mayServe({ runtime: 'kubernetes', ownerUserId: null, shared: false }, bob)).toBe(true);
    expect(isSharedLocal({ runtime: 'kubernetes', shared: true })).toBe(false);
  });
});
