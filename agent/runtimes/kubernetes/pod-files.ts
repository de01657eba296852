import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { DOWNLOADS_DIR, type FileEntry, type FileList, MAX_LIST_ENTRIES } from '../../../protocol';
import { type FileRead, FilesError, type FileWrite, type SessionFiles } from '../../files/session-files';
import { isRuntimeError } from '../../runtime';
import { CONTAINER_NAME } from './manifests';
import type { ExecOutcome, ExecTarget, PodExec, PodProcess } from './pod-exec';
import {
  ABORT_SCRIPT,
  COMMIT_SCRIPT,
  EXIT_CODES,
  LIST_SCRIPT,
  parseListing,
  parseSizeLine,
  READ_SCRIPT,
  shellCommand,
  WRITE_SCRIPT,
} from './pod-file-scripts';
import { isReadyPod } from './session-stream';

/** Listings bigger than this are refused rather than held: MAX_LIST_ENTRIES names fit many times over. */
const LIST_OUTPUT_LIMIT = 8 * 1024 * 1024;

export interface PodFilesOptions {
  exec: PodExec;
  namespace: string;
  /** A running session's pods; throws a RuntimeError when the session is not there or not running. */
  runningPods(session: string): Promise<V1Pod[]>;
}

async function execTarget(options: PodFilesOptions, session: string): Promise<ExecTarget> {
  const pods = await options.runningPods(session).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new FilesError(isRuntimeError(error, 'not_found') ? 'not_found' : 'failed', message);
  });
  const pod = pods.find(isReadyPod)?.metadata?.name;
  if (!pod) throw new FilesError('failed', `session ${session} has no ready pod`);
  return { namespace: options.namespace, pod, container: CONTAINER_NAME };
}

function failure(outcome: ExecOutcome, what: string): FilesError {
  const code =
    outcome.exitCode === null ? undefined : EXIT_CODES[outcome.exitCode as keyof typeof EXIT_CODES];
  const reason =
    outcome.stderr ||
    (outcome.exitCode === null
      ? 'the connection to the session’s container closed early'
      : `the command ended with code ${outcome.exitCode}`);
  return new FilesError(code ?? 'failed', code ? reason : `cannot use ${what}: ${reason}`);
}

/** Everything the command wrote, once it ended well. */
async function output(proc: PodProcess, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIST_OUTPUT_LIMIT) {
      proc.kill();
      throw new FilesError('failed', `${what} holds too much to list`);
    }
    chunks.push(chunk);
  }
  const outcome = await proc.done;
  if (outcome.exitCode !== 0) throw failure(outcome, what);
  return Buffer.concat(chunks);
}

/**
 * The command's first line, with what came after it put back on stdout; a failure if the command
 * ended first.
 */
function firstLine(proc: PodProcess, what: string): Promise<string> {
  const stdout: Readable = proc.stdout;
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = () => {
      stdout.off('readable', onReadable);
      stdout.off('end', onEnd);
    };
    const onReadable = () => {
      for (
        let chunk = stdout.read() as Buffer | null;
        chunk !== null;
        chunk = stdout.read() as Buffer | null
      ) {
        seen = Buffer.concat([seen, chunk]);
        const newline = seen.indexOf(10);
        if (newline < 0) continue;
        done();
        const rest = seen.subarray(newline + 1);
        if (rest.length > 0) stdout.unshift(rest);
        resolve(seen.subarray(0, newline).toString('utf8'));
        return;
      }
    };
    const onEnd = () => {
      done();
      void proc.done.then((outcome) =>
        reject(
          outcome.exitCode === 0
            ? new FilesError('failed', `no answer about ${what}`)
            : failure(outcome, what),
        ),
      );
    };
    stdout.on('readable', onReadable);
    stdout.once('end', onEnd);
  });
}

/**
 * SessionFiles in a Kubernetes session's container, through pods/exec: `find` lists, `cat` reads
 * and writes, and an upload is renamed into place only once all its bytes are there. Runs as the
 * container's user, so it reaches what the session itself can, and no more.
 */
export function podFiles(options: PodFilesOptions): SessionFiles {
  async function run(session: string, script: string, args: string[]): Promise<PodProcess> {
    return options.exec(await execTarget(options, session), shellCommand(script, ...args));
  }

  return {
    async list(session, dir): Promise<FileList> {
      const what = dir === '' ? 'the home folder' : `folder ${dir}`;
      const proc = await run(session, LIST_SCRIPT, [dir, dir === DOWNLOADS_DIR ? 'mk' : '']);
      const entries = parseListing(await output(proc, what));
      return {
        dir,
        entries: entries.slice(0, MAX_LIST_ENTRIES),
        truncated: entries.length > MAX_LIST_ENTRIES,
      };
    },

    async read(session, path): Promise<FileRead> {
      const proc = await run(session, READ_SCRIPT, [path]);
      const header = parseSizeLine(await firstLine(proc, `file ${path}`));
      if (!header) {
        proc.kill();
        throw new FilesError('failed', `unexpected answer about file ${path}`);
      }
      const stream = new PassThrough();
      proc.stdout.pipe(stream, { end: false });
      // The bytes are whole only if cat ended well; a download cut short must not look complete.
      void Promise.all([finished(proc.stdout), proc.done]).then(
        ([, outcome]) =>
          outcome.exitCode === 0 ? stream.end() : stream.destroy(failure(outcome, `file ${path}`)),
        (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      stream.once('close', () => proc.kill());
      return { ...header, stream };
    },

    async write(session, path): Promise<FileWrite> {
      const target = await execTarget(options, session);
      const id = randomBytes(6).toString('hex');
      const proc = await options.exec(target, shellCommand(WRITE_SCRIPT, path, id, 'mk'), { stdin: true });
      if ((await firstLine(proc, `file ${path}`)) !== 'ready' || !proc.stdin) {
        proc.kill();
        throw new FilesError('failed', `unexpected answer about file ${path}`);
      }
      const input = proc.stdin;
      let bytes = 0;
      let settled = false;
      const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          input.write(chunk, callback);
        },
      });
      input.once('error', (error) => stream.destroy(error));
      const cleanUp = async () => {
        proc.kill();
        const rm = await options.exec(target, shellCommand(ABORT_SCRIPT, path, id)).catch(() => null);
        await rm?.done;
      };
      return {
        stream,
        async commit(): Promise<FileEntry> {
          if (settled) throw new FilesError('failed', 'the upload is already finished');
          settled = true;
          try {
            stream.end();
            await finished(stream);
            input.end();
            await proc.done;
            const done = await options.exec(target, shellCommand(COMMIT_SCRIPT, path, id, '', String(bytes)));
            const placed = parseSizeLine((await output(done, `file ${path}`)).toString('utf8'));
            if (!placed) throw new FilesError('failed', `unexpected answer about file ${path}`);
            return {
              name: path.split('/').at(-1) ?? path,
              type: 'file',
              size: placed.size,
              mtime: placed.mtime.toISOString(),
            };
          } catch (error) {
            await cleanUp();
            throw error instanceof FilesError
              ? error
              : new FilesError('failed', `cannot write file ${path}: ${String(error)}`);
          }
        },
        async abort() {
          if (settled) return;
          settled = true;
          stream.destroy();
          await cleanUp();
        },
      };
    },
  };
}
