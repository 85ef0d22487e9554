// linux.seccomp in the plan: the filter as bytes for OP_SECCOMP and, for
// SCMP_ACT_NOTIFY, the connection to the listener and the message it gets.
import { SPEC_VERSION } from '../container/oci-state';
import type { CompileInput } from '../plan/context';
import { op } from '../plan/ops';
import type { PlanOp } from '../plan/types';
import type { Spec } from '../spec/types';
import { compileSeccomp, usesNotify } from './compile';
import type { SeccompProfile } from './types';

export function profileOf(spec: Spec): SeccompProfile | undefined {
  // No process, nothing runs: no filter either.
  if (!spec.process) return undefined;
  return spec.linux?.seccomp as SeccompProfile | undefined;
}

export interface SeccompLoad {
  op: PlanOp;
  notify: boolean;
}

export function seccompLoad(input: Pick<CompileInput, 'spec' | 'id' | 'bundle'>): SeccompLoad | undefined {
  const profile = profileOf(input.spec);
  if (!profile) return undefined;
  const c = compileSeccomp(profile);
  const pieces = c.notify ? listenerMessage(input, profile) : [];
  return { op: op.seccomp(c.program, c.flags, pieces, c.arches.join(',')), notify: c.notify };
}

// Before the clone, in the helper on the host: the listener socket is a
// host path, which the init cannot reach after pivot_root.
export function seccompListenerOps(spec: Spec): PlanOp[] {
  const profile = profileOf(spec);
  if (!profile || !usesNotify(profile) || !profile.listenerPath) return [];
  return [op.seccompListener(profile.listenerPath)];
}

// The container process state of runtime-spec ("The Container Process
// State"), as the pieces that the init's host pid joins: only the helper
// knows that pid, and only when it loads the filter.
//   {"ociVersion":..,"fds":["seccompFd"],"pid":PID,"metadata":..,"state":{..,"pid":PID}}
export function listenerMessage(input: Pick<CompileInput, 'spec' | 'id' | 'bundle'>, profile: SeccompProfile): string[] {
  const head = JSON.stringify({ ociVersion: SPEC_VERSION, fds: ['seccompFd'] });
  const state = JSON.stringify({
    ociVersion: SPEC_VERSION,
    id: input.id,
    status: 'creating',
    bundle: input.bundle,
    annotations: input.spec.annotations ?? {},
  });
  const metadata = profile.listenerMetadata !== undefined ? `"metadata":${JSON.stringify(profile.listenerMetadata)},` : '';
  return [`${head.slice(0, -1)},"pid":`, `,${metadata}"state":${state.slice(0, -1)},"pid":`, '}}'];
}
