import { Duplex, PassThrough, Writable } from 'node:stream';
import { type KubeConfig, PortForward } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { channelSink } from './channel-sink';
import { describeUpgradeFailure } from './kube-errors';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  port: number;
}

/**
 * One TCP stream to a pod's port through the API server (`v4.channel.k8s.io`), as a Duplex. Each
 * call opens a fresh forward, so one that dropped costs nothing but the next viewer's reconnect.
 * Backpressure holds both ways: writes complete when the WebSocket has sent them, and the socket
 * is paused while the reader is behind. Text on the error channel ends the stream with that text.
 */
export async function openPortForward(
  kubeConfig: KubeConfig,
  target: PortForwardTarget,
  onErrorText: (text: string) => void,
): Promise<Duplex> {
  let ws: WebSocket | undefined;
  const stream: Duplex = new Duplex({
    read() {
      output.drained();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (ws === undefined || ws.readyState !== ws.OPEN) {
        callback(new Error('the port-forward is closed'));
        return;
      }
      // Channel 0 is the first port's data channel.
      ws.send(Buffer.concat([Buffer.of(0), chunk]), callback);
    },
    final(callback) {
      ws?.close();
      callback();
    },
    destroy(error, callback) {
      if (ws && ws.readyState !== ws.CLOSED) ws.terminate();
      callback(error);
    },
  });
  const output = channelSink(stream, () => ws);
  const errors = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString('utf8').trim();
      callback();
      if (text === '') return;
      onErrorText(text);
      stream.destroy(new Error(`port-forward to pod ${target.pod} failed: ${text}`));
    },
  });
  // client-node pipes this to the socket; it stays empty because writes go straight to the socket
  // with a completion callback, which handleStandardInput does not offer.
  const unused = new PassThrough();
  try {
    const opened = await new PortForward(kubeConfig, false).portForward(
      target.namespace,
      target.pod,
      [target.port],
      output.sink,
      errors,
      unused,
    );
    if (typeof opened === 'function') throw new Error('expected a single port-forward socket');
    ws = opened as unknown as WebSocket;
  } catch (error) {
    stream.destroy();
    throw describeUpgradeFailure(error, 'portForward', target, 'the port-forward');
  }
  ws.on('close', () => {
    unused.destroy();
    if (!stream.destroyed) stream.push(null);
  });
  ws.on('error', (error) => stream.destroy(error));
  return stream;
}
