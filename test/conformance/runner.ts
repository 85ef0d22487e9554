// npm run conformance -- --suite DIR [options]
//
// Runs the OCI runtime-tools validation programs of a checkout someone built
// (DIR holds `runtimetest`, `rootfs-<arch>.tar.gz` and validation/*/*.t)
// against tsrun, one at a time, each with a timeout, and prints a table and
// totals. It never builds the suite.
//
// Every program gets its own temp dir (TMPDIR, where the suite puts its
// bundles) and calls tsrun through a small wrapper that gives it a state root
// of the runner's own and records each call. Afterwards whatever a program
// left is removed: containers in that root (delete --force), cgroups named
// after the ids it used, mounts under its temp dir, the temp dir itself.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { isAtOrUnder, parseMountinfo } from '../../src/util/mountinfo';
import { parseTap, verdictOf, type TapResults, type Verdict } from './tap-results';

interface Options {
  suite: string;
  runtime: string;
  timeout: number;
  only: string[];
  skip: string[];
  json?: string;
  markdown?: string;
  verbose: boolean;
  logs?: string;
}

interface Outcome {
  name: string;
  verdict: Verdict;
  tap: TapResults;
  exitCode: number | null;
  timedOut: boolean;
  seconds: number;
  leftovers: string[];
  stderr: string;
}

const USAGE = `usage: npm run conformance -- --suite DIR [--runtime PATH] [--timeout SECONDS]
         [--only a,b] [--skip a,b] [--json FILE] [--markdown FILE] [--logs DIR] [--verbose]
  --suite    a built runtime-tools checkout (runtimetest, rootfs-*.tar.gz, validation/*/*.t)
  --runtime  the tsrun to test (default: this checkout's dist/tsrun.js)
  --timeout  seconds per program (default 120)
  --only     run only these programs (names as in the table)
  --skip     leave these out
  --json     write every outcome to FILE
  --markdown write the table as Markdown to FILE
  --logs     keep each program's stdout and stderr in DIR/NAME.tap, DIR/NAME.err
  --verbose  print each program's TAP as it finishes`;

function parseOptions(argv: string[]): Options {
  const o: Partial<Options> = { timeout: 120, only: [], skip: [], verbose: false };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) usage(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--suite': o.suite = resolve(value(i++, a)); break;
      case '--runtime': o.runtime = resolve(value(i++, a)); break;
      case '--timeout': {
        o.timeout = Number(value(i++, a));
        if (!(o.timeout > 0)) usage('--timeout: must be a number of seconds above 0');
        break;
      }
      case '--only': o.only = value(i++, a).split(',').filter(Boolean); break;
      case '--skip': o.skip = value(i++, a).split(',').filter(Boolean); break;
      case '--json': o.json = resolve(value(i++, a)); break;
      case '--markdown': o.markdown = resolve(value(i++, a)); break;
      case '--logs': o.logs = resolve(value(i++, a)); break;
      case '--verbose': o.verbose = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0);
      // falls through (exit does not return)
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!o.suite) usage('--suite DIR is required');
  o.runtime ??= resolve(__dirname, '..', '..', 'dist', 'tsrun.js');
  return o as Options;
}

function usage(message: string): never {
  console.error(`conformance: ${message}\n${USAGE}`);
  process.exit(2);
}

// validation/NAME/NAME.t (newer checkouts) or validation/NAME.t (older ones).
function findPrograms(suite: string): { name: string; path: string }[] {
  const dir = join(suite, 'validation');
  const found: { name: string; path: string }[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const nested = join(dir, entry, `${entry}.t`);
    const flat = join(dir, entry);
    if (existsSync(nested)) found.push({ name: entry, path: nested });
    else if (entry.endsWith('.t') && statSync(flat).isFile()) found.push({ name: basename(entry, '.t'), path: flat });
  }
  return found;
}

function checkSuite(o: Options): void {
  if (!existsSync(join(o.suite, 'validation'))) usage(`--suite: ${o.suite} has no validation/ directory`);
  if (!existsSync(join(o.suite, 'runtimetest'))) usage(`--suite: ${o.suite}/runtimetest is missing; build the suite first (make runtimetest validation-executables)`);
  if (!readdirSync(o.suite).some((f) => /^rootfs-.*\.tar\.gz$/.test(f))) usage(`--suite: ${o.suite} has no rootfs-<arch>.tar.gz`);
  if (!existsSync(o.runtime)) usage(`--runtime: ${o.runtime} does not exist; run npm run build first`);
}

// The wrapper the suite calls as RUNTIME: tsrun with the runner's own state
// root, each call's arguments appended to a log (a line a call, tab-separated).
function writeWrapper(work: string, runtime: string, root: string): { wrapper: string; callLog: string } {
  const wrapper = join(work, 'tsrun-under-test');
  const callLog = join(work, 'calls.log');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(wrapper, `#!/bin/sh
# Records this call, then runs tsrun with the conformance run's own state root.
{ printf '%s\\t' "$@"; echo; } >> ${q(callLog)}
exec ${q(runtime)} --root ${q(root)} "$@"
`);
  chmodSync(wrapper, 0o755);
  return { wrapper, callLog };
}

function runProgram(o: Options, path: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null; timedOut: boolean }> {
  return new Promise((done) => {
    // Its own process group, so that a timeout ends the program and whatever it started.
    const child = spawn(path, [], { cwd: o.suite, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, o.timeout * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ stdout, stderr, code, timedOut });
    });
  });
}

// The container ids the program used: the last argument of each create/run.
function idsCalled(callLog: string): string[] {
  if (!existsSync(callLog)) return [];
  const ids = new Set<string>();
  for (const line of readFileSync(callLog, 'utf8').split('\n')) {
    if (!line) continue;
    const args = line.split('\t').slice(0, -1);
    if ((args.includes('create') || args.includes('run')) && args.length > 1) ids.add(args[args.length - 1]);
  }
  return [...ids];
}

function cleanUp(o: Options, root: string, programTmp: string, ids: string[]): string[] {
  const left: string[] = [];
  const containers = existsSync(root) ? readdirSync(root) : [];
  for (const id of containers) {
    left.push(`container ${id}`);
    spawnSync(o.runtime, ['--root', root, 'delete', '--force', id], { stdio: 'ignore' });
  }
  for (const dir of cgroupDirsNamed(ids)) {
    left.push(`cgroup ${dir}`);
    removeCgroup(dir);
  }
  for (const mount of mountsUnder(programTmp)) {
    left.push(`mount ${mount}`);
    spawnSync('umount', ['-l', mount], { stdio: 'ignore' });
  }
  rmSync(programTmp, { recursive: true, force: true });
  return left;
}

// Cgroup directories named after one of the ids, three levels deep at most
// in each hierarchy (tsrun's default is /tsrun/<id>; the suite's own paths
// are shallower).
function cgroupDirsNamed(ids: string[]): string[] {
  if (!ids.length) return [];
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      if (ids.includes(e)) found.push(p);
      else if (depth < 3) visit(p, depth + 1);
    }
  };
  for (const h of cgroupHierarchies()) visit(h, 1);
  return found;
}

function cgroupHierarchies(): string[] {
  return parseMountinfo().filter((m) => m.fstype === 'cgroup' || m.fstype === 'cgroup2').map((m) => m.mountPoint);
}

function removeCgroup(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  try {
    const procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    for (const pid of procs) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
  } catch { /* no procs file */ }
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch { /* busy until its processes are gone: retry */ }
    spawnSync('sleep', ['0.1']);
  }
}

function mountsUnder(dir: string): string[] {
  return parseMountinfo().map((m) => m.mountPoint).filter((m) => isAtOrUnder(m, dir)).sort((x, y) => y.length - x.length);
}

function summaryLine(t: Outcome): string {
  if (t.timedOut) return `timed out after ${t.seconds.toFixed(0)} s`;
  const why = [...t.tap.failures.map((f) => `not ok: ${f}`), ...t.tap.strayErrors.map((e) => `error: ${e}`)];
  if (!why.length && t.exitCode !== 0) why.push(`exit ${t.exitCode}: ${t.stderr.trim().split('\n').pop() ?? ''}`);
  if (!why.length && t.verdict === 'fail') why.push('no test reported');
  return why[0]?.replace(/\s+/g, ' ').slice(0, 110) ?? '';
}

function printTable(outcomes: Outcome[]): void {
  const w = Math.max(...outcomes.map((t) => t.name.length), 4);
  console.log(`\n${'test'.padEnd(w)}  result  ok  not ok  skip    time  first failure`);
  for (const t of outcomes) {
    const c = t.tap;
    console.log(`${t.name.padEnd(w)}  ${(t.timedOut ? 'timeout' : t.verdict).padEnd(6)}  ${String(c.ok).padStart(2)}  ${String(c.notOk + c.strayErrors.length).padStart(6)}  ${String(c.skipped).padStart(4)}  ${t.seconds.toFixed(1).padStart(5)}s  ${summaryLine(t)}`);
  }
  const n = (v: Verdict) => outcomes.filter((t) => t.verdict === v).length;
  const sum = (f: (c: TapResults) => number) => outcomes.reduce((s, t) => s + f(t.tap), 0);
  console.log(`\nprograms: ${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped, of ${outcomes.length}`);
  console.log(`assertions: ${sum((c) => c.ok)} ok, ${sum((c) => c.notOk + c.strayErrors.length)} not ok, ${sum((c) => c.skipped)} skipped`);
  const dirty = outcomes.filter((t) => t.leftovers.length);
  for (const t of dirty) console.log(`left behind by ${t.name} (removed): ${t.leftovers.join(', ')}`);
}

function markdownTable(outcomes: Outcome[]): string {
  const rows = outcomes.map((t) => `| ${t.name} | ${t.timedOut ? 'timeout' : t.verdict} | ${t.tap.ok} | ${t.tap.notOk + t.tap.strayErrors.length} | ${t.tap.skipped} | ${summaryLine(t).replace(/\|/g, '\\|')} |`);
  const n = (v: Verdict) => outcomes.filter((t) => t.verdict === v).length;
  return ['| test | result | ok | not ok | skip | first failure |', '|---|---|---:|---:|---:|---|', ...rows, '',
    `${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped, of ${outcomes.length}.`, ''].join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  checkSuite(o);
  if (process.getuid?.() !== 0) usage('the suite creates containers: run as root');
  const programs = findPrograms(o.suite).filter((p) => (!o.only.length || o.only.includes(p.name)) && !o.skip.includes(p.name));
  const unknown = o.only.filter((n) => !programs.some((p) => p.name === n));
  if (unknown.length) usage(`--only: no such program: ${unknown.join(', ')}`);
  if (o.logs) mkdirSync(o.logs, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'tsrun-conformance-'));
  chmodSync(work, 0o755);
  const root = join(work, 'state');
  const { wrapper, callLog } = writeWrapper(work, o.runtime, root);
  const outcomes: Outcome[] = [];
  let stopping = false;
  process.on('SIGINT', () => { stopping = true; });
  try {
    for (const p of programs) {
      if (stopping) break;
      const programTmp = mkdtempSync(join(work, `${p.name}-`));
      // Open like /tmp: user-namespace containers reach their bundles through it.
      chmodSync(programTmp, 0o1777);
      rmSync(callLog, { force: true });
      const started = Date.now();
      const env = { ...process.env, RUNTIME: wrapper, TMPDIR: programTmp };
      const r = await runProgram(o, p.path, env);
      const seconds = (Date.now() - started) / 1000;
      const leftovers = cleanUp(o, root, programTmp, idsCalled(callLog));
      const tap = parseTap(r.stdout);
      const verdict = r.timedOut ? 'fail' : verdictOf(tap, r.code);
      const outcome: Outcome = { name: p.name, verdict, tap, exitCode: r.code, timedOut: r.timedOut, seconds, leftovers, stderr: r.stderr };
      outcomes.push(outcome);
      if (o.logs) {
        writeFileSync(join(o.logs, `${p.name}.tap`), r.stdout);
        writeFileSync(join(o.logs, `${p.name}.err`), r.stderr);
      }
      console.log(`${verdict === 'pass' ? 'pass' : verdict === 'skip' ? 'skip' : 'FAIL'}  ${p.name}  (${seconds.toFixed(1)} s)${verdict === 'fail' ? `  ${summaryLine(outcome)}` : ''}`);
      if (o.verbose) console.log(r.stdout.replace(/^/gm, '    ') + (r.stderr ? `\n    stderr:\n${r.stderr.replace(/^/gm, '    ')}` : ''));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printTable(outcomes);
  if (o.markdown) writeFileSync(o.markdown, markdownTable(outcomes));
  if (o.json) writeFileSync(o.json, JSON.stringify({ suite: o.suite, runtime: o.runtime, outcomes }, null, 2) + '\n');
  process.exitCode = outcomes.every((t) => t.verdict !== 'fail') ? 0 : 1;
}

void main();
