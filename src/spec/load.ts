import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError, errorCode } from '../util/errors';
import type { Spec } from './types';
import { validateConfig } from './validate';
import { checkSemantics } from './semantics';

export interface LoadedBundle {
  bundle: string;
  rootfs: string;
  spec: Spec;
}

// Reads <bundle>/config.json and refuses it, naming the field, unless the
// schema and the rules the schema cannot express both accept it.
export function loadBundle(bundleArg: string, lastCap: number): LoadedBundle {
  const bundle = resolve(bundleArg);
  const file = join(bundle, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') throw new UserError(`bundle ${bundle}: no config.json in it`);
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`config.json: not valid JSON: ${(e as Error).message}`);
  }
  const errors = validateConfig(json);
  if (errors.length) throw new UserError(`config.json: ${errors.join('; ')}`);
  const spec = json as Spec;
  const problems = checkSemantics(spec, lastCap);
  if (problems.length) throw new UserError(`config.json: ${problems.join('; ')}`);

  const rootfs = resolve(bundle, spec.root!.path);
  let isDir = false;
  try {
    isDir = statSync(rootfs).isDirectory();
  } catch {
    throw new UserError(`config.json: root.path: ${rootfs} does not exist`);
  }
  if (!isDir) throw new UserError(`config.json: root.path: ${rootfs} is not a directory`);
  return { bundle, rootfs, spec };
}
