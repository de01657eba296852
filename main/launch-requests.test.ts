import { describe, expect, it, vi } from 'vitest';
import type { TemplateDto } from '../protocol';
import {
  handleLaunchRequest,
  type LaunchRequestDeps,
  launchPrompt,
  launchRequestQueue,
  launchRequests,
  type Prompt,
  planServer,
  resolveServer,
  serverPrompt,
  waitFor,
} from './launch-requests';
import { createProfileStore, type ProfileStore } from './profiles';
import type { TrayState } from './tray-menu';
import { createStore } from './tray-store';

const firefox = { name: 'firefox', displayName: 'Firefox' } as TemplateDto;

function connected(profile = { id: 'local', name: 'Local', mode: 'local' as const }): TrayState {
  return { profile, profiles: [profile], connection: 'connected', templates: [firefox], sessions: [] };
}

async function harness(options: { answers?: boolean[]; state?: TrayState; servers?: boolean } = {}) {
  const profiles: ProfileStore = await createProfileStore({
    read: async () =>
      options.servers
        ? {
            version: 1,
            activeId: 'local',
            servers: [{ id: 'work', name: 'Work', url: 'https://ss.example.com' }],
          }
        : undefined,
    write: async () => {},
    newId: () => 'new-server',
  });
  const store = createStore<TrayState>(options.state ?? connected());
  const answers = [...(options.answers ?? [])];
  const prompts: Prompt[] = [];
  const calls: string[] = [];
  const deps: LaunchRequestDeps = {
    profiles,
    store,
    switchProfile: async (id) => {
      calls.push(`switch:${id}`);
      await profiles.setActive(id);
    },
    confirm: async (prompt) => {
      prompts.push(prompt);
      return answers.shift() ?? false;
    },
    launch: (template) => calls.push(`launch:${template}`),
    openSession: (name) => calls.push(`open:${name}`),
    openDashboard: () => calls.push('dashboard'),
    notify: (title, message) => calls.push(`notify:${title}: ${message}`),
    readyTimeoutMs: 50,
  };
  return { deps, profiles, store, prompts, calls };
}

describe('launchRequests', () => {
  it('makes one request per link with its server, else the --server, else a plain show', () => {
    const link = { action: 'launch' as const, template: 'firefox', server: 'https://ss.example.com' };
    expect(launchRequests({ links: [link], server: { url: 'https://ignored.example' } })).toEqual([
      { link, server: { url: 'https://ss.example.com' } },
    ]);
    expect(launchRequests({ links: [], server: { url: 'https://a.example', name: 'A' } })).toEqual([
      { server: { url: 'https://a.example', name: 'A' } },
    ]);
    expect(launchRequests({ links: [] })).toEqual([{}]);
  });
});

describe('planServer and its prompt', () => {
  it('adds a new server, switches to a known one, and leaves the active one alone', async () => {
    const { profiles } = await harness({ servers: true });
    expect(planServer({ url: 'https://new.example.com/', name: ' Lab ' }, profiles)).toEqual({
      kind: 'add',
      url: 'https://new.example.com',
      name: 'Lab',
    });
    expect(planServer({ url: 'https://new.example.com' }, profiles)).toMatchObject({
      name: 'new.example.com',
    });
    expect(planServer({ url: 'https://ss.example.com' }, profiles)).toMatchObject({
      kind: 'switch',
      profile: { id: 'work' },
    });
    await profiles.setActive('work');
    expect(planServer({ url: 'https://ss.example.com' }, profiles)).toEqual({ kind: 'current' });
    expect(planServer({ url: 'http://ss.example.com' }, profiles)).toMatchObject({ kind: 'invalid' });
  });

  it('says which server, and what switching does', () => {
    const add = serverPrompt({ kind: 'add', url: 'https://x.example', name: 'X' }, 'Local');
    expect(add).toMatchObject({ message: 'Add the server X and switch to it?', confirm: 'Add and switch' });
    expect(add.detail).toContain('https://x.example');
    const profile = { id: 'w', name: 'Work', mode: 'remote' as const, url: 'https://w.example' };
    expect(serverPrompt({ kind: 'switch', profile }, 'Local').detail).toContain('now uses Local');
    expect(launchPrompt(firefox, 'Work')).toMatchObject({ message: 'Launch Firefox?', confirm: 'Launch' });
  });
});

describe('resolveServer', () => {
  it('adds and switches only after a yes', async () => {
    const no = await harness();
    expect(await resolveServer({ url: 'https://x.example' }, no.deps)).toBe('declined');
    expect(no.profiles.list()).toHaveLength(1);
    expect(no.calls).toEqual([]);

    const yes = await harness({ answers: [true] });
    expect(await resolveServer({ url: 'https://x.example', name: 'X' }, yes.deps)).toBe('switched');
    expect(yes.profiles.active()).toMatchObject({ id: 'new-server', name: 'X', url: 'https://x.example' });
    expect(yes.calls).toEqual(['switch:new-server']);
  });

  it('reports a bad URL without asking', async () => {
    const { deps, prompts, calls } = await harness();
    expect(await resolveServer({ url: 'ftp://x' }, deps)).toBe('invalid');
    expect(prompts).toEqual([]);
    expect(calls[0]).toMatch(/^notify:Could not add the server: ftp:\/\/x: /);
  });
});

describe('handleLaunchRequest', () => {
  it('shows the dashboard for a plain second launch', async () => {
    const { deps, calls } = await harness();
    expect(await handleLaunchRequest({}, deps)).toBe('shown');
    expect(calls).toEqual(['dashboard']);
  });

  it('launches from a link only after the user confirms', async () => {
    const no = await harness({ answers: [false] });
    expect(await handleLaunchRequest({ link: { action: 'launch', template: 'firefox' } }, no.deps)).toBe(
      'declined',
    );
    expect(no.prompts).toEqual([launchPrompt(firefox, 'Local')]);
    expect(no.calls).toEqual([]);

    const yes = await harness({ answers: [true] });
    expect(await handleLaunchRequest({ link: { action: 'launch', template: 'firefox' } }, yes.deps)).toBe(
      'launched',
    );
    expect(yes.calls).toEqual(['launch:firefox']);
  });

  it('opens a session from a link without asking: it starts nothing', async () => {
    const { deps, calls, prompts } = await harness();
    expect(await handleLaunchRequest({ link: { action: 'open', session: 'admin-xterm-1' } }, deps)).toBe(
      'opened',
    );
    expect(calls).toEqual(['open:admin-xterm-1']);
    expect(prompts).toEqual([]);
  });

  it('drops the link when the user declines its server', async () => {
    const { deps, calls } = await harness({ answers: [false, true] });
    const request = { server: { url: 'https://x.example' }, link: { action: 'open' as const, session: 's' } };
    expect(await handleLaunchRequest(request, deps)).toBe('declined');
    expect(calls).toEqual([]);
  });

  it('waits for sign-in in the dashboard, then asks', async () => {
    const state = { ...connected(), connection: 'signed_out' as const, templates: [] };
    const { deps, calls, store } = await harness({ answers: [true], state });
    const result = handleLaunchRequest(
      { link: { action: 'launch', template: 'firefox' } },
      { ...deps, readyTimeoutMs: 5_000 },
    );
    await vi.waitFor(() => expect(calls).toEqual(['dashboard']));
    store.set({ connection: 'connected' });
    store.set({ templates: [firefox] });
    expect(await result).toBe('launched');
    expect(calls).toEqual(['dashboard', 'launch:firefox']);
  });

  it('gives up when nobody signs in, and refuses a template the server does not offer', async () => {
    const signedOut = await harness({ state: { ...connected(), connection: 'signed_out', templates: [] } });
    expect(
      await handleLaunchRequest({ link: { action: 'launch', template: 'firefox' } }, signedOut.deps),
    ).toBe('unavailable');
    expect(signedOut.calls.at(-1)).toContain('Not signed in');

    const { deps, calls, prompts } = await harness();
    expect(await handleLaunchRequest({ link: { action: 'launch', template: 'gimp' } }, deps)).toBe(
      'unavailable',
    );
    expect(calls).toEqual(['notify:Could not launch from the link: Local has no template "gimp".']);
    expect(prompts).toEqual([]);
  });
});

describe('waitFor', () => {
  it('resolves at once, on a matching change, or false at the timeout, and unsubscribes', async () => {
    const store = createStore({ n: 0 });
    expect(await waitFor(store, (s) => s.n === 0, 10)).toBe(true);
    const later = waitFor(store, (s) => s.n === 2, 1_000);
    store.set({ n: 1 });
    store.set({ n: 2 });
    expect(await later).toBe(true);
    expect(await waitFor(store, (s) => s.n === 3, 10)).toBe(false);
    let listening = 0;
    const counting: typeof store = {
      ...store,
      subscribe: (listener) => {
        listening += 1;
        const off = store.subscribe(listener);
        return () => {
          listening -= 1;
          off();
        };
      },
    };
    await waitFor(counting, () => false, 1);
    const matched = waitFor(counting, (s) => s.n === 4, 1_000);
    store.set({ n: 4 });
    await matched;
    expect(listening).toBe(0);
  });
});

describe('launchRequestQueue', () => {
  it('asks one question at a time and carries on after a failure', async () => {
    const { deps } = await harness();
    let open = 0;
    let most = 0;
    const errors: unknown[] = [];
    const enqueue = launchRequestQueue(
      {
        ...deps,
        confirm: async () => {
          open += 1;
          most = Math.max(most, open);
          await new Promise((r) => setTimeout(r, 5));
          open -= 1;
          return true;
        },
        launch: (template) => {
          if (template === 'firefox') throw new Error('boom');
        },
      },
      (error) => errors.push(error),
    );
    const link = { action: 'launch' as const, template: 'firefox' };
    const results = await Promise.all([enqueue({ link }), enqueue({ link }), enqueue({})]);
    expect(most).toBe(1);
    expect(results).toEqual([undefined, undefined, 'shown']);
    expect(errors).toHaveLength(2);
  });
});
