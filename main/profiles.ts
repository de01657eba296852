import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { LocalStackSettings, ServerUrl } from '../protocol';

export const LOCAL_PROFILE_ID = 'local';

export type LocalProfile = { id: typeof LOCAL_PROFILE_ID; name: string; mode: 'local' };
/** `username`: who signed in last, so the next start finds their refresh token in the keychain. */
export type RemoteProfile = { id: string; name: string; mode: 'remote'; url: string; username?: string };
export type Profile = LocalProfile | RemoteProfile;

export const LOCAL_PROFILE: LocalProfile = { id: LOCAL_PROFILE_ID, name: 'Local', mode: 'local' };

// Shared with the renderer, which checks a URL before it asks main to add it.
export { ServerUrl };

const ProfileId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
  .refine((id) => id !== LOCAL_PROFILE_ID, 'reserved for the built-in profile');

const StoredServer = z.strictObject({
  id: ProfileId,
  name: z.string().trim().min(1).max(80),
  url: ServerUrl,
  // A name, not a secret: the keychain account is `<username>@<url>`.
  username: z.string().min(1).max(64).optional(),
});

const ProfilesFile = z.object({
  version: z.literal(1),
  activeId: z.string(),
  servers: z.array(StoredServer),
  /** Parsed on its own below: a bad runtime choice must not cost the user their servers. */
  local: z.unknown().optional(),
});
type ProfilesFile = Omit<z.infer<typeof ProfilesFile>, 'local'> & { local?: LocalStackSettings };

export const NewServerProfile = z.strictObject({ name: z.string().trim().min(1).max(80), url: ServerUrl });
export type NewServerProfile = z.input<typeof NewServerProfile>;

export interface ProfileStore {
  list(): Profile[];
  active(): Profile;
  get(id: string): Profile | undefined;
  setActive(id: string): Promise<Profile>;
  add(profile: NewServerProfile): Promise<RemoteProfile>;
  remove(id: string): Promise<void>;
  /** Who signed in on a remote profile; nothing is written when it is already known. */
  rememberUser(id: string, username: string): Promise<void>;
  /** How the local profile's stack runs. */
  localSettings(): LocalStackSettings;
  setLocalSettings(settings: LocalStackSettings): Promise<LocalStackSettings>;
}

export interface ProfileStoreOptions {
  read(): Promise<unknown>;
  write(value: ProfilesFile): Promise<void>;
  newId?: (name: string) => string;
}

function defaultId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'server'}-${randomBytes(3).toString('hex')}`;
}

export async function createProfileStore(options: ProfileStoreOptions): Promise<ProfileStore> {
  const parsed = ProfilesFile.safeParse(await options.read());
  // A broken file falls back to the local profile rather than blocking the app at start.
  const data: ProfilesFile = parsed.success
    ? { ...parsed.data, local: LocalStackSettings.safeParse(parsed.data.local).data }
    : { version: 1, activeId: LOCAL_PROFILE_ID, servers: [] };
  const newId = options.newId ?? defaultId;

  const remote = (s: ProfilesFile['servers'][number]): RemoteProfile => ({ ...s, mode: 'remote' });
  const get = (id: string): Profile | undefined => {
    if (id === LOCAL_PROFILE_ID) return LOCAL_PROFILE;
    const server = data.servers.find((s) => s.id === id);
    return server ? remote(server) : undefined;
  };
  const save = () =>
    options.write({
      version: 1,
      activeId: data.activeId,
      servers: [...data.servers],
      ...(data.local ? { local: data.local } : {}),
    });

  return {
    list: () => [LOCAL_PROFILE, ...data.servers.map(remote)],
    active: () => get(data.activeId) ?? LOCAL_PROFILE,
    get,
    async setActive(id) {
      const profile = get(id);
      if (!profile) throw new Error(`Unknown profile ${id}`);
      data.activeId = id;
      await save();
      return profile;
    },
    async add(input) {
      const { name, url } = NewServerProfile.parse(input);
      let id = newId(name);
      while (get(id)) id = defaultId(name);
      const server = StoredServer.parse({ id, name, url });
      data.servers.push(server);
      await save();
      return remote(server);
    },
    async remove(id) {
      if (id === LOCAL_PROFILE_ID) throw new Error('The local profile cannot be removed');
      data.servers = data.servers.filter((s) => s.id !== id);
      if (data.activeId === id) data.activeId = LOCAL_PROFILE_ID;
      await save();
    },
    async rememberUser(id, username) {
      const server = data.servers.find((s) => s.id === id);
      if (!server || server.username === username) return;
      server.username = username;
      await save();
    },
    localSettings: () => data.local ?? LocalStackSettings.parse({}),
    async setLocalSettings(input) {
      data.local = LocalStackSettings.parse(input);
      await save();
      return data.local;
    },
  };
}
