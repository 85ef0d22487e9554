// The rules of linux.seccomp that must hold before anything is created.
// Each problem names its field:
//   linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO"
import { ACTIONS, FLAGS, KNOWN_ARCH_NAMES, MAX_ARGS, MAX_ERRNO, OPS } from './constants';
import type { SeccompProfile } from './types';

// After the filter is loaded, tsrun hands the listener its fd with sendmsg:
// a notified sendmsg would wait for a listener that has no fd yet.
export const NOTIFY_FORBIDDEN = ['sendmsg'];
// sun_path is 108 bytes with its NUL.
const MAX_SOCKET_PATH = 107;

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const q = JSON.stringify;

export function checkSeccomp(value: unknown, field = 'linux.seccomp'): string[] {
  if (value === undefined) return [];
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${field}: must be an object`];
  const p = value as SeccompProfile;

  const checkAction = (at: string, action: unknown, errnoRet: unknown, errnoField: string) => {
    if (typeof action !== 'string' || !Object.hasOwn(ACTIONS, action)) {
      problems.push(`${at}: unknown action ${q(action)}`);
      return;
    }
    if (errnoRet === undefined) return;
    if (!ACTIONS[action].takesErrno) {
      problems.push(`${errnoField}: ${action} takes no errno; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do`);
    } else if (!isUint(errnoRet) || errnoRet > MAX_ERRNO) {
      problems.push(`${errnoField}: ${q(errnoRet)} is not an errno (0 to ${MAX_ERRNO})`);
    }
  };

  checkAction(`${field}.defaultAction`, p.defaultAction, p.defaultErrnoRet, `${field}.defaultErrnoRet`);
  if (p.defaultAction === 'SCMP_ACT_NOTIFY') {
    problems.push(`${field}.defaultAction: SCMP_ACT_NOTIFY cannot be the default action: the syscalls that hand the listener its fd would wait for it`);
  }

  (p.architectures ?? []).forEach((a, i) => {
    if (!KNOWN_ARCH_NAMES.has(a)) problems.push(`${field}.architectures[${i}]: unknown architecture ${q(a)}`);
  });

  let notify = false;
  (p.syscalls ?? []).forEach((s, i) => {
    const at = `${field}.syscalls[${i}]`;
    if (!Array.isArray(s.names) || s.names.length === 0) problems.push(`${at}.names: must list at least one syscall`);
    checkAction(`${at}.action`, s.action, s.errnoRet, `${at}.errnoRet`);
    if (s.action === 'SCMP_ACT_NOTIFY') {
      notify = true;
      for (const name of s.names ?? []) {
        if (NOTIFY_FORBIDDEN.includes(name)) {
          problems.push(`${at}.names: SCMP_ACT_NOTIFY cannot be used for ${name}: tsrun sends the listener its fd with ${name} after loading the filter`);
        }
      }
    }
    (s.args ?? []).forEach((a, j) => {
      const arg = `${at}.args[${j}]`;
      if (!isUint(a.index) || a.index >= MAX_ARGS) problems.push(`${arg}.index: ${q(a.index)} is not an argument index (0 to ${MAX_ARGS - 1})`);
      if (typeof a.op !== 'string' || !(OPS as readonly string[]).includes(a.op)) problems.push(`${arg}.op: unknown operator ${q(a.op)}`);
      if (!isUint(a.value)) problems.push(`${arg}.value: ${q(a.value)} is not an unsigned 64-bit number`);
      if (a.valueTwo !== undefined && !isUint(a.valueTwo)) problems.push(`${arg}.valueTwo: ${q(a.valueTwo)} is not an unsigned 64-bit number`);
    });
  });

  let waitKillable = false;
  (p.flags ?? []).forEach((f, i) => {
    if (!Object.hasOwn(FLAGS, f)) problems.push(`${field}.flags[${i}]: unknown flag ${q(f)}`);
    if (f === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV') waitKillable = true;
  });
  if (waitKillable && !notify) {
    problems.push(`${field}.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule (the kernel refuses it without a listener)`);
  }

  if (notify && !p.listenerPath) {
    problems.push(`${field}.listenerPath: SCMP_ACT_NOTIFY needs a listener socket to send the notify fd to`);
  }
  if (p.listenerPath !== undefined) {
    if (typeof p.listenerPath !== 'string' || p.listenerPath === '') problems.push(`${field}.listenerPath: must be a socket path`);
    else if (Buffer.byteLength(p.listenerPath) > MAX_SOCKET_PATH) problems.push(`${field}.listenerPath: longer than a unix socket path can be (${MAX_SOCKET_PATH} bytes)`);
  }
  if (p.listenerMetadata !== undefined && !p.listenerPath) {
    problems.push(`${field}.listenerMetadata: needs listenerPath`);
  }
  return problems;
}
