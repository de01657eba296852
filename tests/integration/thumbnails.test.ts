import { type ChildProcess, spawn } from 'node:child_process';
import { decode } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  ApiErrorBody,
  apiPath,
  createApiClient,
  joinUrl,
  routes,
  THUMBNAIL_MAX_BYTES,
} from '../../protocol';
import type { LocalStack } from '../../stack/local-stack';
import { sessionDisplay, type XDisplay } from '../e2e/session-x';
import { eventually } from '../support/eventually';
import { type InProcessStack, startInProcessStack } from '../support/in-process-stack';
import { endSessions, sessionReaches } from '../support/session-api';

const PASSWORD = 'thumbnails-admin-password';

/** The mean of each colour channel of a decoded JPEG. */
function meanColour(bytes: Buffer): [number, number, number] {
  const image = decode(bytes, { useTArray: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < image.data.length; i += 4)
    for (let c = 0; c < 3; c++) sums[c]! += image.data[i + c] as number;
  const n = image.data.length / 4;
  return [sums[0]! / n, sums[1]! / n, sums[2]! / n];
}

/**
 * The local stack in this process with the real local runtime: the agent takes thumbnails through
 * the session's own VNC socket, and the backend serves them to the session's owner only.
 */
describe('session thumbnails (real stack, real Xvnc)', () => {
  let local: InProcessStack;
  let stack: LocalStack;
  let admin: ApiClient;
  let adminToken: string;
  let name: string;
  let display: XDisplay;
  const painters: ChildProcess[] = [];

  const thumbnail = (token: string | null, session = name) =>
    fetch(joinUrl(stack.url, apiPath(routes.sessionThumbnail, { name: session })), {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  const signIn = async (username: string, password: string) =>
    (await createApiClient({ baseUrl: stack.url }).login({ body: { username, password } })).accessToken;

  beforeAll(async () => {
    local = await startInProcessStack({ prefix: 'ss-thumbs-', password: PASSWORD, maxSessions: 2 });
    ({ stack, admin, adminToken } = local);
    name = (await admin.createSession({ body: { template: 'xterm' } })).name;
    await sessionReaches(admin, name, 'running', 60_000, name);
    display = await sessionDisplay(name);
  }, 120_000);

  afterAll(async () => {
    for (const p of painters) if (p.exitCode === null) p.kill('SIGKILL');
    if (name) await endSessions(admin, [name], 20_000);
    await local?.close();
  }, 60_000);

  it('answers the owner a JPEG of the screen within the bound, which follows the screen', async () => {
    const first = await thumbnail(adminToken);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    expect(first.headers.get('cache-control')).toContain('no-store');
    const before = Buffer.from(await first.arrayBuffer());
    expect(before.length).toBeGreaterThan(100);
    expect(before.length).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
    expect([before[0], before[1]]).toEqual([0xff, 0xd8]);
    const image = decode(before);
    expect(image.width).toBe(320);
    expect(image.height).toBeGreaterThan(100);
    const [r0] = meanColour(before);

    // A window of solid red over the whole display: the next thumbnail must be mostly red.
    const painter = spawn('xterm', ['-geometry', '400x200+0+0', '-bg', '#ff0000', '-fg', '#ff0000'], {
      env: { ...process.env, DISPLAY: display.DISPLAY, XAUTHORITY: display.XAUTHORITY },
      stdio: 'ignore',
    });
    painters.push(painter);
    const after = await eventually(
      async () => {
        const res = await thumbnail(adminToken);
        const bytes = Buffer.from(await res.arrayBuffer());
        const [r, g, b] = meanColour(bytes);
        return res.status === 200 && r > 180 && g < 80 && b < 80 ? bytes : null;
      },
      60_000,
      'a red thumbnail',
    );
    expect(after.length).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
    expect(meanColour(after)[0]).toBeGreaterThan(r0 + 50);
    painter.kill('SIGTERM');
  }, 90_000);

  it('tells another user there is no such session, and an unknown session likewise', async () => {
    await admin.createUser({
      body: { username: 'thumb-bob', password: 'thumb-bob-password-1', role: 'user' },
    });
    const bob = await signIn('thumb-bob', 'thumb-bob-password-1');
    const refused = await thumbnail(bob);
    expect(refused.status).toBe(404);
    expect(ApiErrorBody.parse(await refused.json()).error.code).toBe('not_found');
    const unknown = await thumbnail(adminToken, 'admin-xterm-00000000');
    expect(unknown.status).toBe(404);
    const anonymous = await thumbnail(null);
    expect(anonymous.status).toBe(401);
  });

  it('answers 409 with the reason for a hibernated session', async () => {
    await admin.hibernateSession({ params: { name } });
    await eventually(
      async () => (await admin.getSession({ params: { name } })).state === 'hibernated',
      30_000,
    );
    const res = await thumbnail(adminToken);
    expect(res.status).toBe(409);
    const error = ApiErrorBody.parse(await res.json()).error;
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/hibernated; only a running session has a thumbnail/);
  }, 60_000);
});
