import { z } from 'zod';
import { type AddServerRequest, type ProfileInfo, ServerUrl } from '../../../protocol';

export type AddServerCheck = { ok: true; request: AddServerRequest } | { ok: false; message: string };

/**
 * The Add server form's fields as a request, checked with main's own URL rules so the user hears
 * about `http://` before the round trip, in the same words.
 */
export function checkAddServer(url: string, name: string): AddServerCheck {
  if (url.trim() === '')
    return { ok: false, message: 'Enter the server’s URL, e.g. https://streamspace.example.com' };
  const parsed = ServerUrl.safeParse(url);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.code === 'custom' ? issue.message : 'not a URL';
    return { ok: false, message: `That URL cannot be used: ${message}` };
  }
  const trimmed = name.trim();
  if (trimmed.length > 80) return { ok: false, message: 'The name is at most 80 characters' };
  return { ok: true, request: { url: parsed.data, ...(trimmed ? { name: trimmed } : {}) } };
}

/** What a row says under the profile's name. */
export function profileDetail(profile: ProfileInfo): string {
  return profile.mode === 'local' ? 'This computer' : (profile.url ?? '');
}

export const CLOSE_DASHBOARD_CHOICES = [
  { value: 'auto', label: 'Automatic', hint: 'Keep running in the tray where there is one, else quit.' },
  { value: 'keep-running', label: 'Keep running', hint: 'The app stays open without a window.' },
  { value: 'quit', label: 'Quit', hint: 'Closing the dashboard quits the app.' },
] as const;

const CloseDashboard = z.enum(['auto', 'keep-running', 'quit']);
export type CloseDashboard = z.infer<typeof CloseDashboard>;

/** A <select>'s value back as the setting; anything else (a tampered DOM) is no change. */
export function parseCloseDashboard(value: string): CloseDashboard | null {
  return CloseDashboard.safeParse(value).data ?? null;
}
