import type { DeepLink, LaunchArgs, ServerRequest } from './launch-args';
import { type ProfileStore, type RemoteProfile, ServerUrl } from './profiles';
import type { Prompt } from './security';
import type { TrayState } from './tray-menu';
import type { Store } from './tray-store';

/** What a second launch, a `--server` or a deep link asks of the running app. */
export interface LaunchRequest {
  server?: ServerRequest;
  link?: DeepLink;
}

/** One request per link, each with the server it names; else the `--server`; else a bare "show me". */
export function launchRequests(args: Pick<LaunchArgs, 'server' | 'links'>): LaunchRequest[] {
  if (args.links.length > 0) {
    return args.links.map((link) => (link.server ? { link, server: { url: link.server } } : { link }));
  }
  return [args.server ? { server: args.server } : {}];
}

export type { Prompt } from './security';

export type ServerPlan =
  | { kind: 'current' }
  | { kind: 'switch'; profile: RemoteProfile }
  | { kind: 'add'; url: string; name: string }
  | { kind: 'invalid'; message: string };

/** Nothing switches servers silently: anything but the active server becomes a question. */
export function planServer(
  request: ServerRequest,
  profiles: Pick<ProfileStore, 'list' | 'active'>,
): ServerPlan {
  const parsed = ServerUrl.safeParse(request.url);
  if (!parsed.success)
    return { kind: 'invalid', message: parsed.error.issues[0]?.message ?? 'not a server URL' };
  const url = parsed.data;
  const active = profiles.active();
  if (active.mode === 'remote' && active.url === url) return { kind: 'current' };
  const existing = profiles.list().find((p): p is RemoteProfile => p.mode === 'remote' && p.url === url);
  if (existing) return { kind: 'switch', profile: existing };
  const name = request.name?.trim().slice(0, 80) || new URL(url).hostname;
  return { kind: 'add', url, name };
}

export function serverPrompt(plan: Extract<ServerPlan, { kind: 'switch' | 'add' }>, current: string): Prompt {
  if (plan.kind === 'switch') {
    return {
      message: `Switch to the server ${plan.profile.name}?`,
      detail: `${plan.profile.url}\n\nStreamSpace now uses ${current}. Its session windows will close; the sessions keep running.`,
      confirm: 'Switch',
    };
  }
  return {
    message: `Add the server ${plan.name} and switch to it?`,
    detail: `${plan.url}\n\nA link or a command line asked for this server. Only add servers you trust: you will sign in to it, and your sessions will run there.`,
    confirm: 'Add and switch',
  };
}

export function launchPrompt(template: { name: string; displayName: string }, profileName: string): Prompt {
  return {
    message: `Launch ${template.displayName}?`,
    detail: `A link asked to start a new ${template.displayName} session (${template.name}) on ${profileName}.`,
    confirm: 'Launch',
  };
}

export type ServerOutcome = 'unchanged' | 'switched' | 'declined' | 'invalid';
export type LaunchOutcome = 'shown' | 'opened' | 'launched' | 'declined' | 'invalid' | 'unavailable';

export interface ServerDeps {
  profiles: Pick<ProfileStore, 'list' | 'active' | 'add'>;
  /** Before start-up only the stored choice changes; later the controller reconnects. */
  switchProfile(id: string): Promise<void>;
  confirm(prompt: Prompt): Promise<boolean>;
  notify(title: string, message: string): void;
}

export interface LaunchRequestDeps extends ServerDeps {
  store: Pick<Store<TrayState>, 'get' | 'subscribe'>;
  launch(template: string): void;
  openSession(name: string): void;
  openDashboard(): void;
  /** How long a launch link waits for sign-in and the template list. */
  readyTimeoutMs?: number;
}

/** A launch needs a signed-in connection and its template list, which arrives just after. */
export function readyToLaunch(state: TrayState): boolean {
  return state.connection === 'connected' && state.templates.length > 0;
}

export function waitFor<T extends object>(
  store: Pick<Store<T>, 'get' | 'subscribe'>,
  predicate: (state: T) => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (predicate(store.get())) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    const unsubscribe = store.subscribe((state) => {
      if (predicate(state)) done(true);
    });
  });
}

/** Makes the requested server the active profile, if the user agrees to adding or switching to it. */
export async function resolveServer(request: ServerRequest, deps: ServerDeps): Promise<ServerOutcome> {
  const plan = planServer(request, deps.profiles);
  if (plan.kind === 'current') return 'unchanged';
  if (plan.kind === 'invalid') {
    deps.notify('Could not add the server', `${request.url.slice(0, 200)}: ${plan.message}`);
    return 'invalid';
  }
  if (!(await deps.confirm(serverPrompt(plan, deps.profiles.active().name)))) return 'declined';
  const id =
    plan.kind === 'add' ? (await deps.profiles.add({ name: plan.name, url: plan.url })).id : plan.profile.id;
  await deps.switchProfile(id);
  return 'switched';
}

/**
 * Acts on one request, asking first whenever it would add or switch a server or start a session. A
 * declined server question drops the link with it: the link was meant for that server.
 */
export async function handleLaunchRequest(
  request: LaunchRequest,
  deps: LaunchRequestDeps,
): Promise<LaunchOutcome> {
  if (request.server) {
    const outcome = await resolveServer(request.server, deps);
    if (outcome === 'declined' || outcome === 'invalid') return outcome;
  }
  const link = request.link;
  if (!link) {
    deps.openDashboard();
    return 'shown';
  }
  // Opening only shows a session the signed-in user already has; the viewer handles a wrong name.
  if (link.action === 'open') {
    deps.openSession(link.session);
    return 'opened';
  }
  if (!readyToLaunch(deps.store.get())) {
    // Signing in happens in the dashboard; the link waits for it.
    deps.openDashboard();
    if (!(await waitFor(deps.store, readyToLaunch, deps.readyTimeoutMs ?? 5 * 60_000))) {
      deps.notify('Could not launch from the link', 'Not signed in. Sign in, then open the link again.');
      return 'unavailable';
    }
  }
  const state = deps.store.get();
  const template = state.templates.find((t) => t.name === link.template);
  if (!template) {
    deps.notify(
      'Could not launch from the link',
      `${state.profile.name} has no template "${link.template}".`,
    );
    return 'unavailable';
  }
  if (!(await deps.confirm(launchPrompt(template, state.profile.name)))) return 'declined';
  deps.launch(template.name);
  return 'launched';
}

/**
 * Runs requests one at a time, so two links clicked together never stack their questions, and a
 * failure in one is reported without stopping the next.
 */
export function launchRequestQueue(deps: LaunchRequestDeps, onError: (error: unknown) => void) {
  let tail: Promise<unknown> = Promise.resolve();
  return (request: LaunchRequest): Promise<LaunchOutcome | undefined> => {
    const run = tail.then(() => handleLaunchRequest(request, deps));
    const settled = run.catch((error: unknown) => {
      onError(error);
      return undefined;
    });
    tail = settled;
    return settled;
  };
}
