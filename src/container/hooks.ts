import type { Hook, Hooks } from '../spec/types';
import { UserError } from '../util/errors';
import { childProcess } from '../util/child-process';

export type HookKind = keyof Hooks;

// Runs each hook of one kind in order with the container state on stdin;
// the first that fails or outlives its timeout fails them all.
export async function runHooks(kind: HookKind, hooks: Hook[] | undefined, state: object): Promise<void> {
  for (const [i, hook] of (hooks ?? []).entries()) {
    await runHook(hook, state, `hooks.${kind}[${i}]`);
  }
}

// Runs every hook of one kind in order, whatever the others do: a failure
// is passed to `warn` and the next hook runs (the spec's rule for poststop).
export async function runHooksWarning(kind: HookKind, hooks: Hook[] | undefined, state: object, warn: (message: string) => void): Promise<void> {
  for (const [i, hook] of (hooks ?? []).entries()) {
    try {
      await runHook(hook, state, `hooks.${kind}[${i}]`);
    } catch (e) {
      warn((e as Error).message);
    }
  }
}

function runHook(hook: Hook, state: object, field: string): Promise<void> {
  const { spawn } = childProcess();
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const e of hook.env ?? []) {
      const eq = e.indexOf('=');
      if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
    }
    const args = hook.args ?? [hook.path];
    const child = spawn(hook.path, args.slice(1), { argv0: args[0] ?? hook.path, env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    child.stdin!.on('error', () => { /* a hook need not read its stdin */ });
    child.stdin!.end(JSON.stringify(state));
    if (hook.timeout) {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new UserError(`${field}: ${hook.path} did not finish within ${hook.timeout}s`));
      }, hook.timeout * 1000);
    }
    child.on('error', (e) => { clearTimeout(timer); reject(new UserError(`${field}: cannot run ${hook.path}: ${e.message}`)); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      reject(new UserError(`${field}: ${hook.path} ${how}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
}
