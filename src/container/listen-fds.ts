import type { Process } from '../spec/types';

// Socket activation: when tsrun itself was given LISTEN_FDS (by systemd or
// an engine), those fds follow stdio into the process, ahead of
// --preserve-fds, and the process is told so, as runc does. Returns how
// many fds from 3 up the process keeps.
export function withListenFds(p: Process | undefined, preserveFds: number): number {
  const listen = Number(process.env.LISTEN_FDS ?? 0);
  if (!Number.isInteger(listen) || listen <= 0 || !p) return preserveFds;
  p.env = [...(p.env ?? []).filter((e) => !e.startsWith('LISTEN_FDS=') && !e.startsWith('LISTEN_PID=')), `LISTEN_FDS=${listen}`, 'LISTEN_PID=1'];
  return preserveFds + listen;
}
