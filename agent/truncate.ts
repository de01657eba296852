/** What the protocol lets a result, status or tunnel_error message carry. */
export const MESSAGE_MAX = 2000;

/** Cuts a message the runtime produced down to what a frame may carry. */
export function truncateMessage(text: string): string {
  return text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX - 1)}…` : text;
}
