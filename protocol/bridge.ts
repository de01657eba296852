import { z } from 'zod';
import { LoginRequest, UserDto } from './auth';
import { SessionName } from './names';
import { AddServerRequest, DesktopSettings, ProfileList } from './profiles';
import { KubeContextList, LocalStackSettings } from './stack';

/** What the renderer knows about the signed-in user; tokens other than the access token stay in main. */
export const AuthState = z.object({
  accessToken: z.string(),
  expiresAt: z.string(),
  user: UserDto,
});
export type AuthState = z.infer<typeof AuthState>;

export const ServerInfo = z.object({
  /** Base URL of the control plane, e.g. http://127.0.0.1:8080 (no trailing slash). */
  baseUrl: z.string().url(),
  mode: z.enum(['local', 'remote', 'headless']),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

/** The local profile's stack settings; only Electron has them, so a settings page hides without. */
export interface LocalStackBridge {
  getSettings(): Promise<LocalStackSettings>;
  /** Saves them and, while the local profile is active, restarts the stack on them. */
  setSettings(settings: LocalStackSettings): Promise<LocalStackSettings>;
  /** The contexts of `kubeconfig`, else of KUBECONFIG or ~/.kube/config, to offer as choices. */
  listKubeContexts(kubeconfig?: string): Promise<KubeContextList>;
}

/** Text on the system clipboard, capped so one copy cannot flood IPC or the session. */
export const ClipboardText = z.string().max(1_000_000);

/** The system clipboard, read and written by main: no permission prompt, and it works in every window. */
export interface ClipboardBridge {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

/** Remote profiles and the app's own settings; only the desktop app has either. */
export interface ProfilesBridge {
  list(): Promise<ProfileList>;
  /** Adds a remote profile and switches to it: the user asked for this server by typing it. */
  add(request: AddServerRequest): Promise<ProfileList>;
  switchTo(id: string): Promise<ProfileList>;
  remove(id: string): Promise<ProfileList>;
  getSettings(): Promise<DesktopSettings>;
  setSettings(patch: Partial<DesktopSettings>): Promise<DesktopSettings>;
}

/**
 * What main tells the renderer without being asked. `auth:signed-out`: the sign-in ended (renewal
 * refused, or signed out elsewhere), so the page must show the sign-in screen.
 */
export const pushContract = {
  'profile:changed': ProfileList,
  'auth:renewed': AuthState,
  'auth:signed-out': z.null(),
} as const;
export type PushChannel = keyof typeof pushContract;
export type PushPayload<C extends PushChannel> = z.infer<(typeof pushContract)[C]>;

/** Subscribes to one push; the answer unsubscribes. */
export type Subscribe = <C extends PushChannel>(
  channel: C,
  listener: (payload: PushPayload<C>) => void,
) => () => void;

/**
 * The renderer depends on this interface only. In Electron the preload implements it over IPC;
 * in a plain browser (headless mode, tests) renderer/bridge/web.ts implements it with fetch.
 */
export interface DesktopBridge {
  readonly kind: 'electron' | 'web';
  getServer(): Promise<ServerInfo>;
  /** The current sign-in, or null when the user must log in. */
  getAuth(): Promise<AuthState | null>;
  login(request: LoginRequest): Promise<AuthState>;
  logout(): Promise<void>;
  /** A valid access token, refreshed when close to expiry; null when signed out. */
  getAccessToken(): Promise<string | null>;
  /**
   * A new access token even if the current one looks valid: the server refused it (a restarted
   * stack, a revoked sign-in). Null when signed out.
   */
  refreshAccessToken(): Promise<string | null>;
  /** Show a session's viewer: a native window in Electron, a tab in the browser. */
  openSession(name: string): Promise<void>;
  /** Absent in a browser: the headless stack is configured by its own flags. */
  readonly localStack?: LocalStackBridge;
  /** Absent in a browser: a headless server is the only one it talks to. */
  readonly profiles?: ProfilesBridge;
  /** Absent in a browser, whose page does its own sign-in and has nobody to push to it. */
  readonly subscribe?: Subscribe;
  /** Absent in a browser, which has the async Clipboard API (where granted) and a paste box. */
  readonly clipboard?: ClipboardBridge;
}

/**
 * IPC contract between preload and main: every channel's argument and answer, parsed on both
 * sides. Main also checks the sender frame before answering.
 */
export const ipcContract = {
  'server:get': { request: z.void(), response: ServerInfo },
  'auth:get': { request: z.void(), response: AuthState.nullable() },
  'auth:login': { request: LoginRequest, response: AuthState },
  'auth:logout': { request: z.void(), response: z.void() },
  'auth:token': { request: z.void(), response: z.string().nullable() },
  'auth:refresh': { request: z.void(), response: z.string().nullable() },
  'session:open': { request: z.strictObject({ name: SessionName }), response: z.void() },
  'local-stack:get-settings': { request: z.void(), response: LocalStackSettings },
  'local-stack:set-settings': { request: LocalStackSettings, response: LocalStackSettings },
  'local-stack:kube-contexts': {
    request: z.strictObject({ kubeconfig: z.string().trim().min(1).max(4096).optional() }),
    response: KubeContextList,
  },
  'profiles:list': { request: z.void(), response: ProfileList },
  'profiles:add': { request: AddServerRequest, response: ProfileList },
  'profiles:switch': { request: z.strictObject({ id: z.string().min(1).max(64) }), response: ProfileList },
  'profiles:remove': { request: z.strictObject({ id: z.string().min(1).max(64) }), response: ProfileList },
  'app-settings:get': { request: z.void(), response: DesktopSettings },
  'app-settings:set': { request: DesktopSettings.partial().strict(), response: DesktopSettings },
  'clipboard:read-text': { request: z.void(), response: ClipboardText },
  'clipboard:write-text': { request: z.strictObject({ text: ClipboardText }), response: z.void() },
} as const;

export type IpcChannel = keyof typeof ipcContract;
export type IpcRequest<C extends IpcChannel> = z.infer<(typeof ipcContract)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.infer<(typeof ipcContract)[C]['response']>;

/** Name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'streamspace';

/** Errors crossing IPC lose their class; this shape keeps the reason. */
export const IpcError = z.object({ code: z.string(), message: z.string() });
