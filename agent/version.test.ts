import { describe, expect, it } from 'vitest';
import { AgentHello } from '../protocol';
import { AGENT_VERSION } from './version';

describe('AGENT_VERSION', () => {
  it('is a version the hello frame accepts', () => {
    expect(AGENT_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(AgentHello.shape.version.safeParse(AGENT_VERSION).success).toBe(true);
  });
});
