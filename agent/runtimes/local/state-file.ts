import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { SessionName, TemplateName, Username } from '../../../protocol';

const RecordedProcess = z.strictObject({
  pid: z.number().int().positive(),
  pgid: z.number().int().positive(),
  /** From /proc/<pid>/stat; tells our process from a later one that got the same pid. */
  startTime: z.number().int().nonnegative(),
});
export type RecordedProcess = z.infer<typeof RecordedProcess>;

const sessionFields = {
  name: SessionName,
  user: Username,
  template: TemplateName,
  /** Stays 'starting' until the session answers RFB; a file left in it means the start never finished. */
  state: z.enum(['starting', 'running', 'hibernated']),
  display: z.number().int().min(0).nullable(),
  xvnc: RecordedProcess,
  app: RecordedProcess.nullable(),
  /** The window manager, when one runs; files of agents before it have none. */
  wm: RecordedProcess.nullable().optional(),
  home: z.string().min(1),
  persistentHome: z.boolean(),
  createdAt: z.string(),
};

/**
 * What survives an agent restart, so the next agent can adopt or clean up the session. The RFB
 * socket has no field: it is always the session dir's vnc.sock.
 */
export const LocalSessionFile = z.strictObject({ version: z.literal(2), ...sessionFields });
export type LocalSessionFile = z.infer<typeof LocalSessionFile>;

/** Written by agents whose Xvnc listened on a loopback TCP port; read only to end such sessions. */
const TcpSessionFile = z.strictObject({
  version: z.literal(1),
  ...sessionFields,
  port: z.number().int().min(1).max(65535),
});

/** Written to a temporary name and renamed, so a kill -9 mid-write never leaves half a file. */
export async function writeStateFile(path: string, data: LocalSessionFile): Promise<void> {
  const body = `${JSON.stringify(LocalSessionFile.parse(data), null, 2)}\n`;
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, body, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export type ReadStateResult =
  /** tcpPort: the session was started by an older agent and its Xvnc listens on this port. */
  | { ok: true; data: LocalSessionFile; tcpPort: number | null }
  | { ok: false; reason: 'missing' | 'invalid'; message: string };

export async function readStateFile(path: string): Promise<ReadStateResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, reason: 'missing', message: (error as Error).message };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid', message: (error as Error).message };
  }
  const parsed = z.discriminatedUnion('version', [LocalSessionFile, TcpSessionFile]).safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalid', message: z.prettifyError(parsed.error) };
  if (parsed.data.version === 2) return { ok: true, data: parsed.data, tcpPort: null };
  const { port, version: _v1, ...rest } = parsed.data;
  return { ok: true, data: { version: 2, ...rest }, tcpPort: port };
}
