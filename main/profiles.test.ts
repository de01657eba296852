import { describe, expect, it } from 'vitest';
import { createProfileStore, LOCAL_PROFILE, ServerUrl } from './profiles';

function memoryFile(initial?: unknown) {
  const file = { content: initial as unknown, writes: 0 };
  return {
    file,
    read: async () => file.content,
    write: async (value: unknown) => {
      file.writes += 1;
      file.content = JSON.parse(JSON.stringify(value));
    },
  };
}

describe('ServerUrl', () => {
  it.each([
    ['https://ss.example.com/', 'https://ss.example.com'],
    ['https://ss.example.com/streamspace//', 'https://ss.example.com/streamspace'],
    ['  https://SS.example.com:8443  ', 'https://ss.example.com:8443'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
  ])('accepts %s as %s', (input, output) => {
    expect(ServerUrl.parse(input)).toBe(output);
  });

  it.each([
    'http://ss.example.com',
    'ftp://ss.example.com',
    'https://user:pw@ss.example.com',
    'https://ss.example.com/?a=1',
    'ss.example.com',
    'javascript:alert(1)',
  ])('refuses %s', (input) => {
    expect(ServerUrl.safeParse(input).success).toBe(false);
  });
});

describe('createProfileStore', () => {
  it('starts with only the local profile, active', async () => {
    const store = await createProfileStore(memoryFile());
    expect(store.list()).toEqual([LOCAL_PROFILE]);
    expect(store.active()).toEqual(LOCAL_PROFILE);
  });

  it('adds, activates, persists and reloads server profiles', async () => {
    const mem = memoryFile();
    const store = await createProfileStore({ ...mem, newId: () => 'work' });
    const added = await store.add({ name: ' Work ', url: 'https://ss.example.com/' });
    expect(added).toEqual({ id: 'work', name: 'Work', mode: 'remote', url: 'https://ss.example.com' });
    await store.setActive('work');
    expect(mem.file.content).toEqual({
      version: 1,
      activeId: 'work',
      servers: [{ id: 'work', name: 'Work', url: 'https://ss.example.com' }],
    });

    const reloaded = await createProfileStore(mem);
    expect(reloaded.active()).toEqual(added);
    expect(reloaded.list().map((p) => p.id)).toEqual(['local', 'work']);
  });

  it('gives each profile a distinct id even when the generator repeats itself', async () => {
    const store = await createProfileStore({ ...memoryFile(), newId: () => 'same' });
    const a = await store.add({ name: 'A', url: 'https://a.example.com' });
    const b = await store.add({ name: 'B', url: 'https://b.example.com' });
    expect(a.id).toBe('same');
    expect(b.id).not.toBe('same');
    expect(b.id).toMatch(/^b-[0-9a-f]{6}$/);
  });

  it('refuses bad input and unknown profiles without writing', async () => {
    const mem = memoryFile();
    const store = await createProfileStore(mem);
    await expect(store.add({ name: 'x', url: 'http://ss.example.com' })).rejects.toThrow();
    await expect(store.add({ name: '', url: 'https://ss.example.com' })).rejects.toThrow();
    await expect(store.setActive('nope')).rejects.toThrow(/Unknown profile/);
    await expect(store.remove('local')).rejects.toThrow();
    expect(mem.file.writes).toBe(0);
  });

  it('falls back to local when the active profile is removed', async () => {
    const store = await createProfileStore({ ...memoryFile(), newId: () => 'work' });
    await store.add({ name: 'Work', url: 'https://ss.example.com' });
    await store.setActive('work');
    await store.remove('work');
    expect(store.active()).toEqual(LOCAL_PROFILE);
    expect(store.get('work')).toBeUndefined();
  });

  it('ignores a corrupt file, an id that shadows local, and a dangling active id', async () => {
    expect((await createProfileStore(memoryFile('garbage'))).list()).toEqual([LOCAL_PROFILE]);
    const shadow = memoryFile({
      version: 1,
      activeId: 'local',
      servers: [{ id: 'local', name: 'Evil', url: 'https://evil.example.com' }],
    });
    expect((await createProfileStore(shadow)).list()).toEqual([LOCAL_PROFILE]);
    const dangling = memoryFile({ version: 1, activeId: 'gone', servers: [] });
    expect((await createProfileStore(dangling)).active()).toEqual(LOCAL_PROFILE);
  });

  it("keeps the local profile's runtime choice with the servers", async () => {
    const mem = memoryFile();
    const store = await createProfileStore({ ...mem, newId: () => 'work' });
    expect(store.localSettings()).toEqual({ runtime: 'local' });
    await store.add({ name: 'Work', url: 'https://ss.example.com' });
    const kube = { runtime: 'kubernetes', kubeContext: 'kind-streamspace', kubeNamespace: 'desk' } as const;
    await expect(store.setLocalSettings(kube)).resolves.toEqual(kube);
    expect(mem.file.content).toMatchObject({ local: kube, servers: [{ id: 'work' }] });
    expect((await createProfileStore(mem)).localSettings()).toEqual(kube);
    await expect(
      store.setLocalSettings({ runtime: 'kubernetes', kubeNamespace: 'Bad_NS' }),
    ).rejects.toThrow();
    expect(store.localSettings()).toEqual(kube);
  });

  it('drops a bad runtime choice but keeps the servers', async () => {
    const mem = memoryFile({
      version: 1,
      activeId: 'work',
      servers: [{ id: 'work', name: 'Work', url: 'https://ss.example.com' }],
      local: { runtime: 'docker' },
    });
    const store = await createProfileStore(mem);
    expect(store.localSettings()).toEqual({ runtime: 'local' });
    expect(store.active().id).toBe('work');
  });

  it('remembers who signed in on a server, for the keychain account of the next start', async () => {
    const mem = memoryFile();
    const store = await createProfileStore({ ...mem, newId: () => 'work' });
    await store.add({ name: 'Work', url: 'https://ss.example.com' });
    await store.rememberUser('work', 'alice');
    const writes = mem.file.writes;
    await store.rememberUser('work', 'alice');
    await store.rememberUser('local', 'admin');
    expect(mem.file.writes).toBe(writes);
    const reloaded = await createProfileStore(mem);
    expect(reloaded.get('work')).toEqual({
      id: 'work',
      name: 'Work',
      mode: 'remote',
      url: 'https://ss.example.com',
      username: 'alice',
    });
  });
});
