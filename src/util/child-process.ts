// Node's child_process, loaded when first asked for: it brings in Node's net
// and stream modules (3 to 4 ms of a command's start), which create, start
// and delete need only to run a hook or, on some hosts, a helper mode.
export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}
