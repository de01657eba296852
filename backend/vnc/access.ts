/**
 * Who may watch a session's screen: its owner, and nobody else. An admin manages every session
 * (lists, hibernates and terminates them) but watching someone's desktop, and holding the VNC
 * password that opens it, is not administration: the screen can show anything the owner sees.
 * The viewer-ticket route and the VNC socket both ask here, so they cannot disagree.
 */
export function canView(user: { id: string }, session: { userId: string }): boolean {
  return session.userId === user.id;
}
