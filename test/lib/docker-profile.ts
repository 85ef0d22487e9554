// Docker's default seccomp profile (as containers-common ships it for podman
// and buildah) turned into the linux.seccomp an engine would hand tsrun.
// The file is not in the repository: scripts/setup.sh gets it from Debian.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SeccompArg, SeccompProfile, SeccompSyscall } from '../../src/seccomp/types';

const CANDIDATES = ['/usr/share/containers/seccomp.json', join(resolve(__dirname, '../..'), 'build/test/containers-seccomp.json')];

export function dockerProfilePath(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

export const DOCKER_DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

interface Conditional {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

interface EngineSyscall extends Omit<SeccompSyscall, 'args'> {
  args?: SeccompArg[] | null;
  includes?: Conditional;
  excludes?: Conditional;
}

// As the engines do: the native architecture's archMap entry, and the
// entries whose includes/excludes match the architecture and capabilities.
export function dockerProfile(caps: string[] = DOCKER_DEFAULT_CAPS, goArch = 'amd64'): SeccompProfile | undefined {
  const path = dockerProfilePath();
  if (!path) return undefined;
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  const scmp = goArch === 'amd64' ? 'SCMP_ARCH_X86_64' : 'SCMP_ARCH_AARCH64';
  const archMap = (raw.archMap ?? []).find((a: { architecture: string }) => a.architecture === scmp);
  const syscalls: SeccompSyscall[] = [];
  for (const s of raw.syscalls as EngineSyscall[]) {
    const inc = s.includes ?? {};
    const exc = s.excludes ?? {};
    if (inc.arches?.length && !inc.arches.includes(goArch)) continue;
    if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) continue;
    if (exc.arches?.includes(goArch)) continue;
    if (exc.caps?.some((c) => caps.includes(c))) continue;
    const entry: SeccompSyscall = { names: s.names, action: s.action };
    if (s.errnoRet !== undefined) entry.errnoRet = s.errnoRet;
    if (s.args?.length) entry.args = s.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo, op: a.op }));
    syscalls.push(entry);
  }
  const p: SeccompProfile = { defaultAction: raw.defaultAction, syscalls };
  if (raw.defaultErrnoRet !== undefined) p.defaultErrnoRet = raw.defaultErrnoRet;
  if (archMap) p.architectures = [archMap.architecture, ...(archMap.subArchitectures ?? [])];
  return p;
}
