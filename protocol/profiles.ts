import { z } from 'zod';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A control-plane base URL, normalised to no trailing slash. Plain http is refused beyond loopback:
 * passwords, tokens and VNC passwords would cross the network in clear.
 */
export const ServerUrl = z
  .string()
  .trim()
  .url()
  .transform((value, ctx) => {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'use https:// (plain http only for localhost)' });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'a server URL has no credentials, query or fragment' });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

/** A profile as the renderer sees it: no username, since the keychain account is main's business. */
export const ProfileInfo = z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(['local', 'remote']),
  url: z.string().optional(),
});
export type ProfileInfo = z.infer<typeof ProfileInfo>;

export const ProfileList = z.object({ activeId: z.string(), profiles: z.array(ProfileInfo) });
export type ProfileList = z.infer<typeof ProfileList>;

/** The name is optional: the URL's host names the profile when the user gives none. */
export const AddServerRequest = z.strictObject({
  url: ServerUrl,
  name: z.string().trim().min(1).max(80).optional(),
});
export type AddServerRequest = z.input<typeof AddServerRequest>;

/** The desktop app's own settings the user can change; the rest of its settings file is main's. */
export const DesktopSettings = z.object({
  /** Off keeps sessions running after quit, for the next start to adopt. */
  terminateSessionsOnQuit: z.boolean(),
  closeDashboard: z.enum(['auto', 'keep-running', 'quit']),
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;
