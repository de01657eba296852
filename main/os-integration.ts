// Electron adapter for where the app meets the OS: tray icon files, questions to the user, links
// opened in the browser, and deep links. The decisions live in tray-icon.ts, security.ts,
// launch-args.ts and launch-requests.ts; this only wires them to Electron.
import { app, dialog, type NativeImage, nativeImage, shell } from 'electron';
import { DEEP_LINK_SCHEME } from './app-protocol';
import { type LaunchArgs, parseDeepLink, parseLaunchArgs } from './launch-args';
import { type LaunchRequest, launchRequests, resolveServer, type ServerDeps } from './launch-requests';
import { openExternalLink, type Prompt } from './security';
import { iconsDirectory, type TrayIconState, trayIconFile } from './tray-icon';

export interface OsLog {
  warn(fields: object, message: string): void;
}

/** The one way main asks the user something; Cancel is the default, so a stray Enter agrees to nothing. */
export async function confirm(prompt: Prompt): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    title: 'StreamSpace',
    message: prompt.message,
    detail: prompt.detail,
    buttons: [prompt.confirm, 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  return response === 0;
}

/** One image per state, loaded once; nativeImage adds the @2x file beside the one named. */
export function trayImages(log: OsLog): (state: TrayIconState) => NativeImage {
  const dir = iconsDirectory({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
  });
  const images = new Map<TrayIconState, NativeImage>();
  return (state) => {
    const cached = images.get(state);
    if (cached) return cached;
    const file = trayIconFile(process.platform, state, dir);
    const image = nativeImage.createFromPath(file.path);
    if (image.isEmpty()) log.warn({ path: file.path }, 'tray icon missing');
    if (file.template) image.setTemplateImage(true);
    images.set(state, image);
    return image;
  };
}

/** Every link the renderer opens in the browser goes through security.openExternalLink. */
export function openExternal(url: string, allowedOrigins: () => readonly string[], log: OsLog): void {
  openExternalLink(url, { allowedOrigins, openExternal: (u) => shell.openExternal(u), confirm })
    .then((outcome) => {
      if (outcome !== 'opened') log.warn({ url, outcome }, 'external link not opened');
    })
    .catch((error: unknown) => log.warn({ url, error: String(error) }, 'external link failed'));
}

function logRejected(args: LaunchArgs, log: OsLog): void {
  for (const link of args.rejectedLinks) log.warn({ link }, 'deep link refused');
}

/**
 * Second launches and links, from app start on: one that arrives while main() is still starting waits
 * here until it can be acted on. macOS sends links, the one that started the app too, as `open-url`,
 * which is why this must be called before `ready`.
 */
export function deepLinkIntake(log: OsLog) {
  const pending: LaunchRequest[] = [];
  let handler: ((request: LaunchRequest) => void) | null = null;
  const take = (request: LaunchRequest) => (handler ? handler(request) : pending.push(request));
  app.on('second-instance', (_event, argv) => {
    const args = parseLaunchArgs(argv);
    logRejected(args, log);
    for (const request of launchRequests(args)) take(request);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (link) take(launchRequests({ links: [link] })[0]!);
    else log.warn({ link: url.slice(0, 100) }, 'deep link refused');
  });
  return {
    /** Starts delivering, the requests that waited first. */
    attach(next: (request: LaunchRequest) => void): void {
      handler = next;
      for (const request of pending.splice(0)) next(request);
    },
  };
}

/**
 * This instance's own command line. A server it names is settled before anything connects, so one the
 * user declines never starts; the links are returned to follow once the app runs.
 */
export async function startupRequests(
  launch: LaunchArgs,
  deps: Omit<ServerDeps, 'confirm'>,
  log: OsLog,
): Promise<LaunchRequest[]> {
  logRejected(launch, log);
  // Packaged macOS and Linux builds declare the scheme (electron-builder.yml); NSIS does not.
  if (process.platform === 'win32' && app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  const links: LaunchRequest[] = [];
  for (const request of launchRequests(launch)) {
    const outcome = request.server ? await resolveServer(request.server, { ...deps, confirm }) : 'unchanged';
    if (request.link && (outcome === 'unchanged' || outcome === 'switched'))
      links.push({ link: request.link });
  }
  return links;
}
