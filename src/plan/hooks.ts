import { ociState } from '../container/oci-state';
import type { Status } from '../container/record';
import type { Hook } from '../spec/types';
import type { CompileInput } from './context';
import { op } from './ops';
import type { PlanOp } from './types';

const PID_MARK = 987654321;

// Hooks the init runs in the container's namespaces. Their state holds the
// pid as the container sees it, which only the init knows: the text either
// side of it goes into the plan.
export function containerHookOps(kind: 'createContainer' | 'startContainer', hooks: Hook[] | undefined, input: CompileInput, status: Status): PlanOp[] {
  if (!hooks?.length) return [];
  const text = JSON.stringify(ociState({
    id: input.id, pid: PID_MARK, bundle: input.bundle, rootfs: input.rootfs, created: '', spec: input.spec,
  }, status));
  const at = text.indexOf(String(PID_MARK));
  const [before, after] = [text.slice(0, at), text.slice(at + String(PID_MARK).length)];
  return hooks.map((h, i) => op.runHook(h, before, after, `hooks.${kind}[${i}]`));
}
