import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TemplateFile } from '../../../protocol';
import { appArgv, expandHome } from './app-command';
import { wantsWindowManager } from './window-manager';

const dir = join(__dirname, '../../../resources/templates');
const load = (name: string) => TemplateFile.parse(parse(readFileSync(join(dir, `${name}.yaml`), 'utf8')));
const localOf = (name: string) => {
  const local = load(name).local;
  if (!local) throw new Error(`${name} has no local section`);
  return local;
};

describe('the built-in templates’ local sections', () => {
  it('run their single app under the window manager', () => {
    for (const name of ['xterm', 'xclock', 'firefox', 'chromium'])
      expect(wantsWindowManager(localOf(name))).toBe(true);
  });

  it('start Firefox in a fresh profile whose prefs skip the first-run tabs and questions', () => {
    const local = localOf('firefox');
    const argv = expandHome(local.command, '/h');
    expect(argv).toEqual(expect.arrayContaining(['--no-remote', '--new-instance']));
    expect(argv[argv.indexOf('--profile') + 1]).toBe('/h/firefox-profile');
    const userJs = local.files?.['firefox-profile/user.js'] ?? '';
    const prefs = new Map(
      [...userJs.matchAll(/^user_pref\("([^"]+)", (.+)\);$/gm)].map((m) => [m[1], m[2]] as const),
    );
    // Every line is a pref; a typo would make Firefox skip the rest of the file.
    expect(prefs.size).toBe(userJs.trim().split('\n').length);
    expect(prefs.get('datareporting.policy.dataSubmissionPolicyBypassNotification')).toBe('true');
    expect(prefs.get('datareporting.policy.firstRunURL')).toBe('""');
    expect(prefs.get('browser.shell.checkDefaultBrowser')).toBe('false');
    expect(prefs.get('browser.startup.homepage_override.mstone')).toBe('"ignore"');
    expect(prefs.get('startup.homepage_welcome_url')).toBe('""');
    expect(prefs.get('browser.aboutwelcome.enabled')).toBe('false');
  });

  it('give Chromium --no-sandbox, with --test-type against the flag bar, only when running as root', () => {
    const local = localOf('chromium');
    const asRoot = appArgv(local, '/h', true);
    expect(asRoot.slice(0, 3)).toEqual(['chromium', '--no-sandbox', '--test-type']);
    expect(asRoot).toContain('--user-data-dir=/h/chromium');
    const asUser = appArgv(local, '/h', false);
    expect(asUser).not.toContain('--no-sandbox');
    expect(asUser).not.toContain('--test-type');
    expect(asUser).toEqual(expect.arrayContaining(['--no-first-run', '--no-default-browser-check']));
    // The sandbox is the only difference.
    expect(asRoot.filter((a) => !local.rootArgs?.includes(a))).toEqual(asUser);
  });
});
