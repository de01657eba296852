import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TemplateFile } from '../../../protocol';
import type { RuntimeStatusEvent } from '../../runtime';
import { sessionSpec } from '../../testing/session-spec';
import { killProcessesMentioning, processesMentioning } from '../../testing/strays';
import { LocalRuntime } from './local-runtime';

const templatePath = join(__dirname, '../../../resources/templates/chromium.yaml');
const runningAsRoot = process.getuid?.() === 0;

async function chromiumSection() {
  const local = TemplateFile.parse(parse(await readFile(templatePath, 'utf8'))).local;
  if (!local) throw new Error('the chromium template has no local section');
  return local;
}

// Chromium refuses only root without --no-sandbox, so only a root test process can tell whether
// rootArgs reached the real program; as anyone else the unit tests in templates-local cover it.
describe.skipIf(!runningAsRoot)('the chromium template on a real display, as root', () => {
  let stateDir: string;
  let runtime: LocalRuntime | undefined;
  let events: RuntimeStatusEvent[];

  const start = async (runsAsRoot: boolean, name: string) => {
    runtime = new LocalRuntime({
      stateDir,
      logger: pino({ level: 'silent' }),
      stopGraceMs: 2_000,
      pollIntervalMs: 200,
      startTimeoutMs: 30_000,
      runsAsRoot,
    });
    runtime.onStatus((event) => events.push(event));
    return runtime.start(sessionSpec(name, { template: 'chromium', local: await chromiumSection() }));
  };

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ss-root-args-'));
    events = [];
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    // The user-data-dir is under the session's home, in stateDir: this finds every Chromium process.
    await killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts Chromium with --no-sandbox, and it keeps running', { timeout: 60_000 }, async () => {
    const name = 'alice-chromium-0000aaaa';
    expect(await start(true, name)).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(events.find((e) => e.name === name && e.state === 'failed')).toBeUndefined();
    const cmdlines = await Promise.all(
      (await processesMentioning(stateDir)).map((pid) =>
        readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      ),
    );
    const browser = cmdlines.find((c) => c.startsWith('chromium') || c.includes('/chromium\0'));
    expect(browser?.split('\0')).toEqual(expect.arrayContaining(['--no-sandbox', '--test-type']));
    expect(await runtime?.stop(name)).toBe('terminated');
  });

  it('without the root arguments, the session fails with Chromium’s own reason', {
    timeout: 60_000,
  }, async () => {
    const name = 'alice-chromium-0000bbbb';
    // Xvnc may answer before Chromium gives up, so the start may report running first.
    await start(false, name).catch(() => 'failed');
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.name === name && e.state === 'failed') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const failed = events.find((e) => e.name === name && e.state === 'failed');
    expect(failed?.message).toMatch(/Running as root without --no-sandbox/);
  });
});
