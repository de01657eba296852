import { describe, expect, it } from 'vitest';
import { AGENT_CONNECT_PATH, agentTunnelPath } from '../protocol';
import { webSocketUrl } from './urls';

describe('webSocketUrl', () => {
  it('maps http(s) to ws(s)', () => {
    expect(webSocketUrl('http://127.0.0.1:8080', AGENT_CONNECT_PATH)).toBe(
      'ws://127.0.0.1:8080/api/v1/agents/connect',
    );
    expect(webSocketUrl('https://ss.example.com/', AGENT_CONNECT_PATH)).toBe(
      'wss://ss.example.com/api/v1/agents/connect',
    );
  });

  it('keeps a base path and drops query and fragment', () => {
    expect(webSocketUrl('https://example.com/streamspace/?x=1#y', agentTunnelPath('t 1'))).toBe(
      'wss://example.com/streamspace/api/v1/agents/tunnels/t%201',
    );
  });

  it('refuses other schemes', () => {
    expect(() => webSocketUrl('ftp://example.com', '/x')).toThrow(/unsupported/);
  });
});
