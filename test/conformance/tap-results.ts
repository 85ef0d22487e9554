// Reads the TAP that one runtime-tools validation program prints and decides
// whether it passed. The suite's programs use tap-go; some report a failure
// only as a diagnostic block with an `error` key that belongs to no test
// line, which a TAP consumer would count as a pass. Here such a block is a
// failure of its own. A block right after a test line is that line's
// (after an `ok` it shows the error the test expected, e.g. from `create`
// without an id); one before any test line, or a second one after the same
// line, is stray.

export interface TapResults {
  ok: number;
  notOk: number;
  skipped: number;
  todo: number;
  // `error` diagnostics not attached to a failing test line.
  strayErrors: string[];
  plan?: number;
  // The description (and the first error line) of each failure, for the table.
  failures: string[];
}

export type Verdict = 'pass' | 'fail' | 'skip';

const TEST_LINE = /^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(skip|todo)\b\s*(.*))?$/i;

export function parseTap(text: string): TapResults {
  const r: TapResults = { ok: 0, notOk: 0, skipped: 0, todo: 0, strayErrors: [], failures: [] };
  let last: 'ok' | 'not ok' | undefined;
  let attached = false;
  let yaml: string[] | undefined;
  const endYaml = () => {
    const block = yaml ?? [];
    yaml = undefined;
    const ownBlock = attached;
    attached = false;
    // tap-go writes the block as JSON ("error": "...") or YAML (error: ...).
    const err = block.find((l) => /^\s*"?error"?:/.test(l));
    if (!err) return;
    const value = err.replace(/^\s*"?error"?:\s*/, '').replace(/,\s*$/, '');
    const message = value.startsWith('"') ? String(JSON.parse(value)) : value.replace(/^'|'$/g, '');
    if (!ownBlock) r.strayErrors.push(message);
    else if (last === 'not ok') r.failures[r.failures.length - 1] += `: ${message}`;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (yaml) {
      if (/^\s+\.\.\.\s*$/.test(line)) endYaml();
      else yaml.push(line);
      continue;
    }
    if (/^\s+---\s*$/.test(line)) {
      yaml = [];
      continue;
    }
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) {
      // Some programs print a second, empty stream ("TAP version 13", "1..0") after the first.
      r.plan = (r.plan ?? 0) + Number(plan[1]);
      continue;
    }
    const m = TEST_LINE.exec(line);
    if (m) {
      const [, status, , description, directive] = m;
      last = status.toLowerCase() as 'ok' | 'not ok';
      attached = true;
      if (directive?.toLowerCase() === 'skip') r.skipped++;
      else if (directive?.toLowerCase() === 'todo') r.todo++;
      else if (last === 'ok') r.ok++;
      else {
        r.notOk++;
        r.failures.push(description || '(no description)');
      }
      continue;
    }
    // tap-go's Diagnostic(): "# error: ..." outside any block.
    const diag = /^#\s*error:?\s+(.*)$/i.exec(line);
    if (diag) r.strayErrors.push(diag[1]);
  }
  if (yaml) endYaml();
  return r;
}

// A program passes when it exits 0 and reports no failure in any form, and
// either at least one passing test, or none at all by plan ("1..0": the
// lifecycle and hook programs print only an error block when they fail), or
// no TAP at all (the *_fail programs print nothing when the runtime refused
// the bad config, and exit 1 when it did not). It is skipped when it only
// skipped.
export function verdictOf(r: TapResults, exitCode: number | null): Verdict {
  const count = r.ok + r.notOk + r.skipped + r.todo;
  if (r.notOk || r.strayErrors.length || exitCode !== 0) return 'fail';
  if (r.plan !== undefined && r.plan !== count) return 'fail';
  if (r.ok === 0 && r.skipped > 0) return 'skip';
  const silent = r.plan === undefined && count === 0;
  return r.ok > 0 || r.plan === 0 || silent ? 'pass' : 'fail';
}
