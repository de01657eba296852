import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LAUNCH_PROOF } from '../protocol';
import { isLaunchProof } from './launch-proof';
import { answerLaunchChallenges, type ChannelProcess, NoConfigError, parentChannel } from './parent-channel';

const config = { type: 'config', adminPassword: 'pw', secret: 's'.repeat(43) } as const;

function forked() {
  const proc = new EventEmitter() as EventEmitter & ChannelProcess;
  const sent: unknown[] = [];
  proc.connected = true;
  proc.send = (message: unknown) => {
    sent.push(message);
    return true;
  };
  return { proc, sent };
}

function utility() {
  const port = new EventEmitter() as EventEmitter & { postMessage(m: unknown): void };
  const posted: unknown[] = [];
  port.postMessage = (m) => posted.push(m);
  const proc = new EventEmitter() as EventEmitter & ChannelProcess;
  proc.parentPort = port as unknown as NonNullable<ChannelProcess['parentPort']>;
  return { proc, port, posted };
}

describe('parentChannel', () => {
  it('is absent in a terminal, with no parent to talk to', () => {
    expect(parentChannel(new EventEmitter() as EventEmitter & ChannelProcess)).toBeNull();
  });

  it('takes the config from a fork IPC parent and answers over it', async () => {
    const { proc, sent } = forked();
    const channel = parentChannel(proc);
    expect(channel?.kind).toBe('node-ipc');
    const waiting = channel?.config(1000);
    proc.emit('message', { type: 'something newer' });
    proc.emit('message', config);
    expect(await waiting).toEqual(config);
    channel?.send({ type: 'ready', url: 'http://127.0.0.1:1', runtime: 'local' });
    expect(sent).toEqual([{ type: 'ready', url: 'http://127.0.0.1:1', runtime: 'local' }]);
  });

  it("prefers a utility process's parentPort and hears a config sent before anyone asked", async () => {
    const { proc, port, posted } = utility();
    const channel = parentChannel(proc);
    expect(channel?.kind).toBe('utility-process');
    port.emit('message', { data: config });
    expect(await channel?.config(1000)).toEqual(config);
    const controls: unknown[] = [];
    channel?.onControl((m) => controls.push(m));
    port.emit('message', { data: { type: 'shutdown', terminateSessions: true } });
    port.emit('message', { data: { type: 'shutdown', terminateSessions: 'yes' } });
    expect(controls).toEqual([{ type: 'shutdown', terminateSessions: true }]);
    channel?.send({ type: 'fatal', message: 'x' });
    expect(posted).toEqual([{ type: 'fatal', message: 'x' }]);
  });

  it('gives up on a parent that never sends its config', async () => {
    const { proc } = forked();
    await expect(parentChannel(proc)?.config(20)).rejects.toBeInstanceOf(NoConfigError);
  });

  it('refuses a config without a long enough secret', async () => {
    const { proc } = forked();
    const channel = parentChannel(proc);
    const waiting = channel?.config(50);
    proc.emit('message', { ...config, secret: 'short' });
    await expect(waiting).rejects.toBeInstanceOf(NoConfigError);
  });
});

describe('answerLaunchChallenges', () => {
  it('proves the launch on any request with a challenge, and says nothing without one', async () => {
    const server = createServer((_req, res) => res.end('{}'));
    answerLaunchChallenges(server, config.secret);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/readyz`;
    try {
      const challenge = 'c'.repeat(32);
      const answered = await fetch(url, { headers: { [LAUNCH_PROOF.challengeHeader]: challenge } });
      expect(isLaunchProof(config.secret, challenge, answered.headers.get(LAUNCH_PROOF.proofHeader))).toBe(
        true,
      );
      expect(isLaunchProof('another secret', challenge, answered.headers.get(LAUNCH_PROOF.proofHeader))).toBe(
        false,
      );
      const plain = await fetch(url);
      expect(plain.headers.get(LAUNCH_PROOF.proofHeader)).toBeNull();
    } finally {
      server.close();
    }
  });
});
