import { describe, expect, it } from 'vitest';
import { agentCommand, shellQuote } from './agent-command';

// tests/e2e/admin.test.ts runs the command a real shell and agent would, against the real stack.
describe('agentCommand', () => {
  it('writes the token to a private file and runs the agent with --token-file, never --token', () => {
    const command = agentCommand({
      serverUrl: 'https://ss.example.com',
      token: 'id.secret',
      runtime: 'local',
    });
    expect(command.split('\n')).toEqual([
      "(umask 077 && printf '%s\\n' id.secret > agent-token)",
      'node out/server/agent.js --server https://ss.example.com --token-file ./agent-token',
    ]);
  });

  it('names the runtime for a kubernetes agent, whose default is local', () => {
    const run = agentCommand({ serverUrl: 'http://127.0.0.1:8080', token: 't', runtime: 'kubernetes' }).split(
      '\n',
    )[1];
    expect(run).toBe(
      'node out/server/agent.js --server http://127.0.0.1:8080 --token-file ./agent-token --runtime kubernetes',
    );
  });

  it('quotes only what needs it, so a hostile value stays one word', () => {
    expect(shellQuote('https://a.example:8443/x')).toBe('https://a.example:8443/x');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's $(x)")).toBe("'it'\\''s $(x)'");
  });
});
