#!/usr/bin/env node
// Benchmarks tsrun against runc and crun on one busybox bundle, side by side.
//
//   npm run bench                        # the full run (a few minutes)
//   npm run bench -- --quick             # fewer runs, N = 10 only
//   npm run bench -- --out FILE --svg FILE --runs 30 --rounds 3 --tsrun PATH --verbose
//
// Needs root. Installs hyperfine, runc, crun and time from Debian when they
// are missing. Every command runs with a clean environment
// (PATH=/usr/sbin:/usr/bin:/sbin:/bin only), as engines run a runtime.
// docs/performance.md says what each row means.
import { spawn } from 'node:child_process';
import {
  chmodSync, closeSync, openSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync,
} from 'node:fs';
import { availableParallelism, release, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const cleanEnv = { PATH: CLEAN_PATH };
const RUNTIMES = ['tsrun', 'runc', 'crun'];

// ---------------------------------------------------------------- options

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    svg: { type: 'string' },
    runs: { type: 'string' },
    rounds: { type: 'string' },
    tsrun: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log(`usage: node scripts/bench.mjs [--quick] [--out FILE] [--svg FILE] [--runs N] [--rounds R] [--tsrun PATH] [--verbose]
  --quick     5 runs in 1 round, 2 memory samples, scale run at N = 10 only
  --out       the JSON report (default: bench-results.json in a new temp dir)
  --svg       the scale chart (default: docs/bench-scale.svg; with --quick, next to the JSON)
  --runs      timed runs per row in all (default 40), split over --rounds hyperfine runs (default 4)
  --tsrun     the tsrun executable (default: package.json "bin".tsrun)
  --verbose   show hyperfine's own output`);
  process.exit(0);
}
const quick = opt.quick;
const totalRuns = Number(opt.runs ?? (quick ? 5 : 40));
const rounds = Number(opt.rounds ?? (quick ? 1 : 4));
const runsPerRound = Math.max(1, Math.ceil(totalRuns / rounds));
const memSamples = quick ? 2 : 5;
const scaleNs = quick ? [10] : [10, 50, 100];
const scaleReps = quick ? 1 : 5;
const WARMUP = 3;

// ---------------------------------------------------------------- processes

let stopping = false;
const children = new Set();
class Interrupted extends Error {}

function onSignal(sig) {
  if (stopping) {
    console.error(`bench: ${sig} again; still cleaning up, please wait`);
    return;
  }
  stopping = true;
  console.error(`\nbench: ${sig}: stopping and cleaning up`);
  for (const c of children) c.kill(sig);
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGHUP', () => onSignal('SIGHUP'));

function checkpoint() {
  if (stopping) throw new Interrupted('interrupted');
}

// Runs argv with the clean environment; resolves { code, signal, stdout, stderr, ms }.
// Output goes to files, not pipes: a container's process inherits its
// runtime's stdout and stderr and would hold a pipe open for its lifetime.
let seq = 0;
function run(argv, { inherit = false, cwd = top, env = cleanEnv } = {}) {
  return new Promise((resolveRun, reject) => {
    const files = inherit ? null : [1, 2].map((fd) => join(work ?? tmpdir(), `out-${process.pid}-${++seq}.${fd}`));
    const fds = files?.map((f) => openSync(f, 'w'));
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', ...fds] });
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const collect = () => {
      if (!files) return ['', ''];
      fds.forEach((fd) => closeSync(fd));
      const text = files.map((f) => readFileSync(f, 'utf8'));
      files.forEach((f) => rmSync(f, { force: true }));
      return text;
    };
    children.add(child);
    child.on('error', (e) => { children.delete(child); collect(); reject(e); });
    child.on('exit', (code, signal) => {
      const elapsed = ms();
      children.delete(child);
      const [stdout, stderr] = collect();
      resolveRun({ code, signal, stdout, stderr, ms: elapsed });
    });
  });
}

async function must(argv, opts) {
  const r = await run(argv, opts);
  checkpoint();
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code ?? r.signal}\n${r.stderr.trim()}`);
  return r;
}

function which(name) {
  for (const d of CLEAN_PATH.split(':')) {
    const p = join(d, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return null;
}

// Quotes one word for hyperfine's command-line splitting (POSIX shell rules).
function q(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);

// ---------------------------------------------------------------- tools, build

async function ensureTools() {
  const want = { hyperfine: 'hyperfine', runc: 'runc', crun: 'crun', time: 'time' };
  const missing = Object.entries(want).filter(([bin]) => !(bin === 'time' ? existsSync('/usr/bin/time') : which(bin)));
  if (missing.length === 0) return;
  const pkgs = missing.map(([, pkg]) => pkg);
  console.log(`bench: installing ${pkgs.join(', ')} from Debian (apt-get update; apt-get install -y ${pkgs.join(' ')})`);
  const env = { ...cleanEnv, DEBIAN_FRONTEND: 'noninteractive' };
  await must(['apt-get', 'update'], { inherit: true, env });
  await must(['apt-get', 'install', '-y', ...pkgs], { inherit: true, env });
}

function firstLine(s) {
  return s.split('\n')[0].trim();
}

async function machineInfo(bins) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const version = async (argv) => {
    const r = await run(argv);
    return r.code === 0 ? firstLine(r.stdout) : `unknown (${firstLine(r.stderr)})`;
  };
  return {
    cpu: model,
    nproc: availableParallelism(),
    memory_gib: round(totalmem() / 2 ** 30, 1),
    kernel: release(),
    cgroups: cgroupLayout(),
    loadavg_at_start: loadavg(),
    tree: await gitRevision(),
    node: `${await version([bins.node, '--version'])} (${bins.node})`,
    tsrun: (await version([bins.tsrun, '--version'])).replace(/^tsrun version /, ''),
    runc: (await version([bins.runc, '--version'])).replace(/^runc version /, ''),
    crun: (await version([bins.crun, '--version'])).replace(/^crun version /, ''),
    hyperfine: (await version([bins.hyperfine, '--version'])).replace(/^hyperfine /, ''),
  };
}

function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function gitRevision() {
  const r = await run(['git', '-C', top, 'describe', '--always', '--dirty'], { env: { ...cleanEnv, HOME: '/nonexistent' } });
  return r.code === 0 ? r.stdout.trim() : 'unknown';
}

function cgroupLayout() {
  const mi = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => {
    const [pre, post = ''] = l.split(' - ');
    return { point: pre.split(' ')[4], fstype: post.split(' ')[0] };
  });
  if (mi.some((m) => m.point === '/sys/fs/cgroup' && m.fstype === 'cgroup2')) return 'unified';
  if (mi.some((m) => m.point === '/sys/fs/cgroup/unified' && m.fstype === 'cgroup2')) return 'hybrid';
  return 'legacy';
}

// ---------------------------------------------------------------- set-up

const SCRIPTS = {
  // one.sh COUNTER PREFIX CMD [ARG...]: exec CMD ARG... PREFIX<n>, with n
  // counted up in COUNTER, so every run gets a container id of its own.
  'one.sh': `#!/bin/sh
c=$1 p=$2
shift 2
read n < "$c" || n=0
n=$((n + 1))
echo "$n" > "$c"
exec "$@" "$p$n"
`,
  // cycle.sh COUNTER PREFIX BUNDLE CMD [ARG...]: create, start and delete one
  // new container, as an engine does for a short-lived one.
  'cycle.sh': `#!/bin/sh
c=$1 p=$2 b=$3
shift 3
read n < "$c" || n=0
n=$((n + 1))
echo "$n" > "$c"
"$@" create --bundle "$b" "$p$n" && "$@" start "$p$n" && exec "$@" delete --force "$p$n"
`,
  // phase.sh OP PREFIX COUNT BUNDLE CMD [ARG...]: one step of the scale run
  // for containers PREFIX1 .. PREFIX<COUNT>, one after another.
  'phase.sh': `#!/bin/sh
op=$1 p=$2 count=$3 b=$4
shift 4
i=1
while [ "$i" -le "$count" ]; do
  case $op in
    create) "$@" create --bundle "$b" "$p$i" ;;
    start) "$@" start "$p$i" ;;
    delete) "$@" delete --force "$p$i" ;;
  esac || exit 1
  i=$((i + 1))
done
`,
};

function makeConfig(rootfs, args) {
  const c = JSON.parse(readFileSync(join(top, 'bundles/busybox/config.json'), 'utf8'));
  // crun 1.8 refuses ociVersion 1.3.0 ("unknown version specified"); all three take 1.0.2.
  c.ociVersion = '1.0.2';
  c.root = { ...c.root, path: rootfs };
  c.process.args = args;
  // No cgroup namespace or cgroup mount: runc and crun on a hybrid host refuse them.
  c.mounts = c.mounts.filter((m) => m.type !== 'cgroup' && m.destination !== '/sys/fs/cgroup');
  c.linux.namespaces = c.linux.namespaces.filter((n) => n.type !== 'cgroup');
  return `${JSON.stringify(c, null, 2)}\n`;
}

// ---------------------------------------------------------------- main

const prefix = `tb${process.pid}`;
let work = null;
let rts = null;
const report = { version: 1 };

async function main() {
  if (process.getuid() !== 0) throw new Error('needs root (it creates containers with tsrun, runc and crun)');
  work = mkdtempSync(join(tmpdir(), 'tsrun-bench-'));
  await ensureTools();
  checkpoint();

  console.log('bench: building tsrun (node scripts/build.mjs)');
  await must([process.execPath, join(top, 'scripts/build.mjs')], { inherit: true, env: process.env });

  const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'));
  const bins = {
    tsrun: resolve(opt.tsrun ?? join(top, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.tsrun)),
    runc: which('runc'),
    crun: which('crun'),
    hyperfine: which('hyperfine'),
    node: which('node') ?? process.execPath,
    true: which('true'),
    unshare: which('unshare'),
    sh: '/bin/sh',
  };
  const machine = await machineInfo(bins);
  report.date = new Date().toISOString();
  report.machine = machine;
  report.options = { quick, runs: runsPerRound * rounds, rounds, warmup: WARMUP, memory_samples: memSamples, scale_n: scaleNs, scale_reps: scaleReps };
  console.log(`\nmachine: ${machine.cpu}, ${machine.nproc} cpus, ${machine.memory_gib} GiB, kernel ${machine.kernel}, cgroups ${machine.cgroups}`);
  console.log(`node ${machine.node}; tsrun ${machine.tsrun}; runc ${machine.runc}; crun ${machine.crun}; hyperfine ${machine.hyperfine}`);

  // Work dir: the bundles (one rootfs, two configs), a --root per runtime,
  // the wrapper scripts and their id counters.
  const rootfs = join(work, 'rootfs');
  console.log(`bench: work dir ${work}; making the busybox rootfs`);
  await must(['sh', join(top, 'scripts/make-rootfs.sh'), rootfs]);
  const bundle = join(work, 'true');
  const sleeper = join(work, 'sleep');
  for (const [dir, args] of [[bundle, ['true']], [sleeper, ['sleep', '1000000']]]) {
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), makeConfig(rootfs, args));
  }
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const [name, text] of Object.entries(SCRIPTS)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  const counters = join(work, 'counters');
  mkdirSync(counters);
  const counter = (name) => {
    const f = join(counters, name);
    writeFileSync(f, '0\n');
    return f;
  };

  // crun 1.8 refuses a hybrid cgroup host; in a private mount namespace
  // without /sys/fs/cgroup/unified it sees plain cgroup v1, as runc does.
  const ns = machine.cgroups === 'hybrid'
    ? [bins.unshare, '-m', bins.sh, '-c', 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', 'sh']
    : [];
  rts = {};
  for (const name of RUNTIMES) {
    const root = join(work, 'roots', name);
    mkdirSync(root, { recursive: true });
    rts[name] = { name, bin: bins[name], root, ns: name === 'crun' ? ns : [], base: [bins[name], '--root', root] };
  }
  const rt = (name, ...args) => [...rts[name].base, ...args];

  // Running containers for state, kill and exec.
  const up = {};
  for (const name of RUNTIMES) {
    up[name] = `${prefix}-${name}-up`;
    await must([...rts[name].ns, ...rt(name, 'create', '--bundle', sleeper, up[name])]);
    await must([...rts[name].ns, ...rt(name, 'start', up[name])]);
  }

  // ------------------------------------------------------------ the rows
  const ONE = join(bin, 'one.sh');
  const CYCLE = join(bin, 'cycle.sh');
  const rows = [
    { key: 'true', name: 'true (exec floor)', argv: [bins.true] },
    { key: 'node', name: 'node -e 0 (Node floor)', argv: [bins.node, '-e', '0'] },
    { key: 'wrap', name: 'one.sh true (wrapper)', argv: [ONE, counter('wrap'), `${prefix}-x-`, bins.true, 'run', '--bundle', bundle] },
    { key: 'cycle', name: 'cycle.sh true (wrapper)', argv: [CYCLE, counter('cycle'), `${prefix}-x-`, bundle, bins.true] },
  ];
  if (ns.length) {
    rows.push(
      { key: 'wrap_ns', name: 'unshare one.sh true (crun wrapper)', argv: [...ns, ONE, counter('wrap_ns'), `${prefix}-x-`, bins.true, 'run', '--bundle', bundle] },
      { key: 'cycle_ns', name: 'unshare cycle.sh true (crun wrapper)', argv: [...ns, CYCLE, counter('cycle_ns'), `${prefix}-x-`, bundle, bins.true] },
    );
  }
  const wrapOf = (name, kind) => (rts[name].ns.length ? `${kind}_ns` : kind);
  for (const name of RUNTIMES) {
    rows.push({
      key: `${name}_run`, name: `${name} run`, wrapper: wrapOf(name, 'wrap'),
      argv: [...rts[name].ns, ONE, counter(`${name}_run`), `${prefix}-${name}-r`, ...rt(name, 'run', '--bundle', bundle)],
    });
  }
  for (const name of RUNTIMES) {
    rows.push({
      key: `${name}_cycle`, name: `${name} create+start+delete`, wrapper: wrapOf(name, 'cycle'),
      argv: [...rts[name].ns, CYCLE, counter(`${name}_cycle`), `${prefix}-${name}-c`, bundle, ...rts[name].base],
    });
  }
  for (const name of RUNTIMES) rows.push({ key: `${name}_state`, name: `${name} state`, argv: rt(name, 'state', up[name]) });
  for (const name of RUNTIMES) rows.push({ key: `${name}_kill`, name: `${name} kill ID 0`, argv: rt(name, 'kill', up[name], '0') });

  const tsrunExec = await run([bins.tsrun, 'exec', '--help']);
  report.tsrun_exec = tsrunExec.code === 0 ? 'implemented' : 'not implemented';
  console.log(`bench: tsrun exec --help: exit ${tsrunExec.code}: ${tsrunExec.code === 0 ? 'measuring tsrun exec' : 'tsrun exec not implemented'}`);
  for (const name of RUNTIMES) {
    if (name === 'tsrun' && tsrunExec.code !== 0) continue;
    rows.push({ key: `${name}_exec`, name: `${name} exec ID true`, argv: rt(name, 'exec', up[name], 'true') });
  }

  // Each row once, so that a broken one is reported, not timed.
  const failed = {};
  for (const row of rows) {
    const r = await run(row.argv);
    checkpoint();
    if (r.code !== 0) {
      failed[row.key] = firstLine(r.stderr) || `exit ${r.code ?? r.signal}`;
      console.log(`bench: ${row.name}: fails (${failed[row.key]}); not timed`);
    }
  }
  const timed = rows.filter((r) => !failed[r.key]);

  // ------------------------------------------------------------ hyperfine
  // hyperfine runs one command's runs back to back; several rounds, each in
  // a rotated order, spread slow drift over all rows. Times are pooled.
  const times = Object.fromEntries(timed.map((r) => [r.key, []]));
  const bad = Object.fromEntries(timed.map((r) => [r.key, 0]));
  const cpu = Object.fromEntries(timed.map((r) => [r.key, []]));
  for (let i = 0; i < rounds; i++) {
    checkpoint();
    const order = timed.map((_, j) => timed[(j + i * 5) % timed.length]);
    const json = join(work, `hyperfine-${i}.json`);
    console.log(`bench: hyperfine round ${i + 1}/${rounds}: ${order.length} commands x (${WARMUP} warm-up + ${runsPerRound}) runs`);
    const args = [bins.hyperfine, '-N', '-i', '--warmup', String(WARMUP), '--runs', String(runsPerRound), '--export-json', json,
      '--style', opt.verbose ? 'basic' : 'none'];
    for (const row of order) args.push('-n', row.key, row.argv.map(q).join(' '));
    const r = await run(args, { inherit: opt.verbose, cwd: work });
    checkpoint();
    if (r.code !== 0) throw new Error(`hyperfine: exit ${r.code ?? r.signal}\n${r.stderr}`);
    for (const res of JSON.parse(readFileSync(json, 'utf8')).results) {
      times[res.command].push(...res.times.map((t) => t * 1000));
      bad[res.command] += (res.exit_codes ?? []).filter((c) => c !== 0).length;
      cpu[res.command].push((res.user + res.system) * 1000);
    }
  }

  const med = Object.fromEntries(timed.map((r) => [r.key, median(times[r.key])]));
  // A wrapper's own cost: itself running /bin/true, less /bin/true run directly
  // (cycle.sh runs three commands, so less three).
  const overhead = {};
  for (const k of ['wrap', 'wrap_ns']) if (k in med) overhead[k] = med[k] - med.true;
  for (const k of ['cycle', 'cycle_ns']) if (k in med) overhead[k] = med[k] - 3 * med.true;
  report.rows = rows.map((row) => {
    const t = times[row.key] ?? [];
    const net = row.wrapper ? med[row.key] - overhead[row.wrapper] : med[row.key];
    return {
      key: row.key, name: row.name, command: row.argv.map(q).join(' '), wrapper: row.wrapper ?? null,
      error: failed[row.key] ?? null, runs: t.length, failed_runs: bad[row.key] ?? 0,
      median_ms: round(med[row.key]), net_ms: round(net),
      cpu_ms: round(cpu[row.key] && cpu[row.key].reduce((a, b) => a + b, 0) / cpu[row.key].length),
      mean_ms: round(t.reduce((a, b) => a + b, 0) / t.length), min_ms: round(Math.min(...t)), max_ms: round(Math.max(...t)),
      times_ms: t.map((x) => round(x, 3)),
    };
  });
  report.wrapper_overhead_ms = Object.fromEntries(Object.entries(overhead).map(([k, v]) => [k, round(v)]));

  // ------------------------------------------------------------ memory
  // The waiting init of a created, not started container: PSS and private.
  console.log(`bench: memory: ${memSamples} created containers per runtime`);
  report.init_memory = {};
  for (const name of RUNTIMES) {
    const samples = [];
    for (let i = 1; i <= memSamples; i++) {
      const id = `${prefix}-${name}-m${i}`;
      const pidFile = join(work, `${id}.pid`);
      await must([...rts[name].ns, ...rt(name, 'create', '--pid-file', pidFile, '--bundle', bundle, id)]);
      const pid = readFileSync(pidFile, 'utf8').trim();
      const smaps = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(smaps)?.[1] ?? NaN);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      samples.push({ pss_kb: kb('Pss'), private_kb: kb('Private_Clean') + kb('Private_Dirty'), rss_kb: kb('Rss'), cmdline: cmd });
      await must([...rts[name].ns, ...rt(name, 'delete', '--force', id)]);
    }
    report.init_memory[name] = {
      pss_kb: median(samples.map((s) => s.pss_kb)),
      private_kb: median(samples.map((s) => s.private_kb)),
      rss_kb: median(samples.map((s) => s.rss_kb)),
      cmdline: samples[0].cmdline,
      samples,
    };
  }

  // Peak RSS (/usr/bin/time %M: the largest ru_maxrss of it and its children).
  console.log(`bench: peak RSS: ${memSamples} samples of state and create per runtime`);
  report.peak_rss = {};
  const maxrss = async (argv) => {
    const f = join(work, 'maxrss');
    await must(['/usr/bin/time', '-f', '%M', '-o', f, ...argv]);
    return Number(readFileSync(f, 'utf8').trim().split('\n').pop());
  };
  for (const name of RUNTIMES) {
    const state = [];
    const create = [];
    for (let i = 1; i <= memSamples; i++) {
      state.push(await maxrss(rt(name, 'state', up[name])));
      const id = `${prefix}-${name}-p${i}`;
      create.push(await maxrss([...rts[name].ns, ...rt(name, 'create', '--bundle', bundle, id)]));
      await must([...rts[name].ns, ...rt(name, 'delete', '--force', id)]);
    }
    report.peak_rss[name] = { state_kb: median(state), create_kb: median(create), state_samples: state, create_samples: create };
  }
  const nodeRss = [];
  for (let i = 0; i < memSamples; i++) nodeRss.push(await maxrss([bins.node, '-e', '0']));
  report.peak_rss.node_floor_kb = median(nodeRss);

  // ------------------------------------------------------------ scale
  // N containers created one after another, then started, then deleted, so
  // that N of them exist at once. The phase script's fixed cost (measured
  // with COUNT=0) is taken off; what is left is divided by N.
  const PHASE = join(bin, 'phase.sh');
  const phase = (name, op, p, count) => [...rts[name].ns, PHASE, op, p, String(count), bundle, ...rts[name].base];
  const fixed = {};
  for (const name of RUNTIMES) {
    const t = [];
    for (let i = 0; i < 5; i++) t.push((await must(phase(name, 'create', `${prefix}-${name}-z`, 0))).ms);
    fixed[name] = median(t);
  }
  const scale = Object.fromEntries(RUNTIMES.map((n) => [n, Object.fromEntries(scaleNs.map((N) => [N, []]))]));
  for (let rep = 0; rep < scaleReps; rep++) {
    for (const N of scaleNs) {
      for (let j = 0; j < RUNTIMES.length; j++) {
        const name = RUNTIMES[(j + rep) % RUNTIMES.length];
        const p = `${prefix}-${name}-s${rep}n${N}-`;
        console.log(`bench: scale: ${name}, N = ${N}${scaleReps > 1 ? `, repeat ${rep + 1}/${scaleReps}` : ''}`);
        const ms = {};
        let error = null;
        for (const op of ['create', 'start', 'delete']) {
          const r = await run(phase(name, op, p, N));
          checkpoint();
          if (r.code !== 0) {
            error = `${op}: ${firstLine(r.stderr) || `exit ${r.code}`}`;
            if (op !== 'delete') await run(phase(name, 'delete', p, N));
            break;
          }
          ms[op] = (r.ms - fixed[name]) / N;
        }
        scale[name][N].push(error ? { error } : { ...ms, total: ms.create + ms.start + ms.delete });
      }
    }
  }
  report.scale = { n: scaleNs, repeats: scaleReps, phase_script_ms: Object.fromEntries(RUNTIMES.map((n) => [n, round(fixed[n])])), per_container_ms: {} };
  for (const name of RUNTIMES) {
    report.scale.per_container_ms[name] = {};
    for (const N of scaleNs) {
      const ok = scale[name][N].filter((s) => !s.error);
      report.scale.per_container_ms[name][N] = {
        total: round(median(ok.map((s) => s.total))),
        create: round(median(ok.map((s) => s.create))),
        start: round(median(ok.map((s) => s.start))),
        delete: round(median(ok.map((s) => s.delete))),
        errors: scale[name][N].filter((s) => s.error).map((s) => s.error),
        samples: ok.map((s) => round(s.total)),
      };
    }
  }

  // Stop the long-running containers now; cleanup() catches anything left.
  for (const name of RUNTIMES) await run([...rts[name].ns, ...rt(name, 'delete', '--force', up[name])]);
  report.machine.loadavg_at_end = loadavg();
}

// ---------------------------------------------------------------- results

function analyse() {
  const row = Object.fromEntries(report.rows.map((r) => [r.key, r]));
  const net = (k) => row[k]?.net_ms ?? NaN;
  const floor = net('node');
  const ratio = (a, b) => round(net(a) / net(b));
  const pss = (n) => report.init_memory?.[n]?.pss_kb;
  const sc = report.scale?.per_container_ms?.tsrun ?? {};
  const nLo = Math.min(...report.scale.n);
  const nHi = Math.max(...report.scale.n);
  report.ratios = {
    run: { tsrun_over_runc: ratio('tsrun_run', 'runc_run'), tsrun_over_crun: ratio('tsrun_run', 'crun_run'), tsrun_minus_floor_ms: round(net('tsrun_run') - floor) },
    create_start_delete: { tsrun_over_runc: ratio('tsrun_cycle', 'runc_cycle'), tsrun_over_crun: ratio('tsrun_cycle', 'crun_cycle'), tsrun_minus_3_floors_ms: round(net('tsrun_cycle') - 3 * floor) },
    state: { tsrun_over_runc: ratio('tsrun_state', 'runc_state'), tsrun_over_crun: ratio('tsrun_state', 'crun_state'), tsrun_over_floor: ratio('tsrun_state', 'node'), tsrun_minus_floor_ms: round(net('tsrun_state') - floor) },
    kill: { tsrun_over_runc: ratio('tsrun_kill', 'runc_kill'), tsrun_over_crun: ratio('tsrun_kill', 'crun_kill'), tsrun_over_floor: ratio('tsrun_kill', 'node'), tsrun_minus_floor_ms: round(net('tsrun_kill') - floor) },
    exec: row.tsrun_exec ? { tsrun_over_runc: ratio('tsrun_exec', 'runc_exec') } : 'tsrun exec not implemented',
  };
  const scaleRatio = nHi > nLo ? round(sc[nHi]?.total / sc[nLo]?.total) : null;
  const T = (name, value, limit, unit, text) => ({
    target: name, value: Number.isFinite(value) ? value : null, limit, unit, text,
    result: !Number.isFinite(value) ? (text ? 'n/a' : 'ERROR') : value <= limit ? 'PASS' : 'FAIL',
  });
  report.targets = [
    T('tsrun run <= 1.5x runc run', ratio('tsrun_run', 'runc_run'), 1.5, 'x'),
    T('tsrun run - node -e 0 <= crun run', round(net('tsrun_run') - floor), round(net('crun_run')), 'ms'),
    T('tsrun state <= 1.25x node -e 0', ratio('tsrun_state', 'node'), 1.25, 'x'),
    T('tsrun kill <= 1.25x node -e 0', ratio('tsrun_kill', 'node'), 1.25, 'x'),
    T('created init PSS <= 1 MiB', round(pss('tsrun') / 1024, 3), 1, 'MiB'),
    T('scale: per-container cost at N=100 <= 1.2x N=10', scaleRatio, 1.2, 'x', scaleRatio === null ? 'needs more than one N (not with --quick)' : undefined),
    T('create+start+delete <= 2.0x runc', ratio('tsrun_cycle', 'runc_cycle'), 2.0, 'x'),
  ];
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));

function printTables() {
  const m = report.machine;
  const out = [];
  out.push('', `tsrun benchmark, ${report.date}`);
  out.push(`machine: ${m.cpu}, ${m.nproc} cpus, ${m.memory_gib} GiB, kernel ${m.kernel}, cgroups ${m.cgroups}, load ${m.loadavg_at_start}`);
  out.push(`node ${m.node}; tsrun ${m.tsrun} (${m.tree}); runc ${m.runc}; crun ${m.crun}; hyperfine ${m.hyperfine}`);
  const busy = Math.max(...[m.loadavg_at_start, m.loadavg_at_end].map((l) => Number(l.split(' ')[0])));
  if (busy > m.nproc / 2) out.push(`warning: load average ${busy} on ${m.nproc} cpus: other work was running; expect noisy rows`);
  out.push('', `Times: medians of ${report.options.runs} runs (${report.options.rounds} hyperfine rounds), ms; net = median less its wrapper's own cost;`,
    'cpu = mean user+sys of the command and the children it waited for');
  out.push(`${pad('row', 38)}${lpad('median', 9)}${lpad('net', 9)}${lpad('min', 9)}${lpad('max', 9)}${lpad('cpu', 9)}  note`);
  for (const r of report.rows) {
    const note = r.error ? `not timed: ${r.error}` : r.failed_runs ? `${r.failed_runs} of ${r.runs} runs failed` : r.wrapper ? `less ${r.wrapper} (${fmt(report.wrapper_overhead_ms[r.wrapper], 2)})` : '';
    out.push(`${pad(r.name, 38)}${lpad(fmt(r.median_ms), 9)}${lpad(fmt(r.net_ms), 9)}${lpad(fmt(r.min_ms), 9)}${lpad(fmt(r.max_ms), 9)}${lpad(fmt(r.cpu_ms), 9)}  ${note}`);
  }
  if (report.tsrun_exec !== 'implemented') out.push(`${pad('tsrun exec ID true', 38)}${lpad('not implemented', 18)}`);

  const R = report.ratios;
  out.push('', 'Ratios (net medians)');
  out.push(`${pad('', 22)}${lpad('tsrun/runc', 12)}${lpad('tsrun/crun', 12)}${lpad('tsrun-floor', 13)}${lpad('tsrun/floor', 13)}`);
  const line = (name, r, minus) => out.push(`${pad(name, 22)}${lpad(fmt(r.tsrun_over_runc, 2) + 'x', 12)}${lpad(fmt(r.tsrun_over_crun, 2) + 'x', 12)}${lpad(fmt(r[minus]) + ' ms', 13)}${lpad(r.tsrun_over_floor ? fmt(r.tsrun_over_floor, 2) + 'x' : '', 13)}`);
  line('run', R.run, 'tsrun_minus_floor_ms');
  line('create+start+delete', R.create_start_delete, 'tsrun_minus_3_floors_ms');
  line('state', R.state, 'tsrun_minus_floor_ms');
  line('kill ID 0', R.kill, 'tsrun_minus_floor_ms');
  out.push(typeof R.exec === 'string' ? `${pad('exec', 22)}${lpad('not implemented', 24)}` : `${pad('exec', 22)}${lpad(fmt(R.exec.tsrun_over_runc, 2) + 'x', 12)}`);
  out.push('  (create+start+delete: tsrun-floor is less three node -e 0)');

  out.push('', 'Memory (medians), MiB');
  out.push(`${pad('', 10)}${lpad('init PSS', 10)}${lpad('private', 10)}${lpad('RSS', 10)}${lpad('peak state', 12)}${lpad('peak create', 13)}  created init`);
  for (const n of RUNTIMES) {
    const im = report.init_memory[n];
    const pr = report.peak_rss[n];
    out.push(`${pad(n, 10)}${lpad(fmt(im.pss_kb / 1024, 2), 10)}${lpad(fmt(im.private_kb / 1024, 2), 10)}${lpad(fmt(im.rss_kb / 1024, 2), 10)}${lpad(fmt(pr.state_kb / 1024), 12)}${lpad(fmt(pr.create_kb / 1024), 13)}  ${im.cmdline.slice(0, 40)}`);
  }
  out.push(`  (peak RSS of node -e 0: ${fmt(report.peak_rss.node_floor_kb / 1024)} MiB; crun's peak create includes unshare and sh)`);

  out.push('', 'Scale: per-container create+start+delete, ms (median of repeats)');
  out.push(`${pad('', 10)}${report.scale.n.map((N) => lpad(`N=${N}`, 10)).join('')}${report.scale.n.length > 1 ? lpad(`N=${Math.max(...report.scale.n)}/N=${Math.min(...report.scale.n)}`, 14) : ''}`);
  for (const n of RUNTIMES) {
    const s = report.scale.per_container_ms[n];
    const ns = report.scale.n;
    const r = ns.length > 1 ? lpad(fmt(s[ns[ns.length - 1]].total / s[ns[0]].total, 2) + 'x', 14) : '';
    out.push(`${pad(n, 10)}${ns.map((N) => lpad(s[N].errors.length ? 'error' : fmt(s[N].total), 10)).join('')}${r}`);
  }

  out.push('', 'Targets (issue 7)');
  for (const t of report.targets) {
    const v = t.value === null ? '-' : `${t.value}${t.unit === 'x' ? 'x' : ` ${t.unit}`}`;
    const l = `${t.limit}${t.unit === 'x' ? 'x' : ` ${t.unit}`}`;
    out.push(`  ${pad(t.result, 6)}${pad(t.target, 48)}${lpad(v, 12)}  (limit ${l})${t.text ? `  ${t.text}` : ''}`);
  }
  console.log(out.join('\n'));
}

// A small line chart: per-container cost against N, one line per runtime.
function scaleSvg() {
  const W = 560;
  const H = 320;
  const L = 56;
  const Rm = 96;
  const Tm = 40;
  const B = 44;
  const ns = report.scale.n;
  const pc = report.scale.per_container_ms;
  const data = RUNTIMES.map((n) => ({ n, pts: ns.map((N) => [N, pc[n][N].total, pc[n][N].samples]).filter(([, v]) => Number.isFinite(v)) }));
  const ymaxRaw = Math.max(1, ...data.flatMap((d) => d.pts.flatMap(([, v, sm]) => [v, ...sm])));
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => ymaxRaw / s <= 6) ?? 2000;
  const ymax = Math.ceil(ymaxRaw / step) * step;
  const x0 = 0;
  const x1 = Math.max(...ns) + 10;
  const X = (N) => L + ((N - x0) / (x1 - x0)) * (W - L - Rm);
  const Y = (v) => H - B - (v / ymax) * (H - Tm - B);
  const colour = { tsrun: '#1f77b4', runc: '#d62728', crun: '#2ca02c' };
  const s = [];
  s.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  s.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  s.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Per-container create+start+delete cost against N</text>`);
  for (let v = 0; v <= ymax; v += step) {
    s.push(`<line x1="${L}" x2="${W - Rm}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#ddd"/>`);
    s.push(`<text x="${L - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`);
  }
  for (const N of ns) s.push(`<text x="${X(N).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${N}</text>`);
  s.push(`<line x1="${L}" x2="${W - Rm}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  s.push(`<line x1="${L}" x2="${L}" y1="${Tm}" y2="${H - B}" stroke="#333"/>`);
  s.push(`<text x="${(L + W - Rm) / 2}" y="${H - 8}" text-anchor="middle">N containers (created, then started, then deleted)</text>`);
  s.push(`<text transform="translate(16 ${(Tm + H - B) / 2}) rotate(-90)" text-anchor="middle">ms per container</text>`);
  const labels = [];
  for (const [k, d] of data.entries()) {
    if (d.pts.length === 0) continue;
    const c = colour[d.n];
    const dx = (k - 1) * 4; // whiskers side by side
    for (const [N, , sm] of d.pts) {
      if (sm.length > 1) {
        const x = (X(N) + dx).toFixed(1);
        s.push(`<line x1="${x}" x2="${x}" y1="${Y(Math.min(...sm)).toFixed(1)}" y2="${Y(Math.max(...sm)).toFixed(1)}" stroke="${c}" stroke-opacity="0.45" stroke-width="3"/>`);
      }
    }
    s.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${d.pts.map(([N, v]) => `${X(N).toFixed(1)},${Y(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [N, v, sm] of d.pts) s.push(`<circle cx="${X(N).toFixed(1)}" cy="${Y(v).toFixed(1)}" r="3" fill="${c}"><title>${d.n} N=${N}: median ${v} ms (repeats: ${sm.join(', ')})</title></circle>`);
    const [lN, lv] = d.pts[d.pts.length - 1];
    labels.push({ x: X(lN) + 10, y: Y(lv) + 4, c, text: `${d.n} ${fmt(lv)} ms` });
  }
  // End labels, pushed apart so that they do not overlap.
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i].y = Math.max(labels[i].y, labels[i - 1].y + 14);
  for (const l of labels) s.push(`<text x="${l.x.toFixed(1)}" y="${l.y.toFixed(1)}" fill="${l.c}">${l.text}</text>`);
  const m = report.machine;
  s.push(`<text x="${L}" y="${Tm - 6}" font-size="10" fill="#666">${esc(`${m.cpu}, ${m.nproc} cpus, kernel ${m.kernel}; median of ${report.scale.repeats} repeats, bars: their range`)}</text>`);
  s.push('</svg>');
  return `${s.join('\n')}\n`;
}

function esc(t) {
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---------------------------------------------------------------- cleanup

// Deletes every container this run made (they all carry the id prefix and
// live in this run's own --root dirs), removes their cgroups if a runtime
// left one behind, then the work dir. Touches nothing else.
async function cleanup() {
  const leftovers = [];
  // Two passes: a command that was running when we were interrupted may
  // still be finishing a create.
  for (let pass = 0; rts && pass < 2; pass++) {
    if (pass) await new Promise((r) => setTimeout(r, 500));
    for (const name of RUNTIMES) {
      const r = rts[name];
      let ids = [];
      try {
        ids = readdirSync(r.root).filter((e) => e.startsWith(`${prefix}-`));
      } catch { /* no root yet */ }
      for (const id of ids) {
        const d = await run([...r.ns, ...r.base, 'delete', '--force', id]);
        if (d.code !== 0 && pass) leftovers.push(`${name} ${id}: ${firstLine(d.stderr)}`);
      }
    }
  }
  // Cgroups named after our ids: /sys/fs/cgroup[/<hierarchy>][/tsrun]/<id>.
  const cg = '/sys/fs/cgroup';
  const dirs = [cg];
  try {
    for (const e of readdirSync(cg, { withFileTypes: true })) if (e.isDirectory()) dirs.push(join(cg, e.name));
  } catch { /* no cgroupfs */ }
  for (const d of [...dirs]) if (existsSync(join(d, 'tsrun'))) dirs.push(join(d, 'tsrun'));
  for (const d of dirs) {
    let entries = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch { continue; }
    for (const e of entries) {
      if (!e.isDirectory() || !e.name.startsWith(`${prefix}-`)) continue;
      try {
        rmdirSync(join(d, e.name));
        leftovers.push(`cgroup ${join(d, e.name)} (removed)`);
      } catch (err) {
        leftovers.push(`cgroup ${join(d, e.name)}: ${err.code}`);
      }
    }
  }
  if (work) {
    const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => (l.split(' ')[4] ?? '').startsWith(`${work}/`));
    if (mounted) leftovers.push(`${work}: something is mounted under it; not removed`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (leftovers.length) console.error(`bench: cleanup:\n  ${leftovers.join('\n  ')}`);
  return leftovers;
}

// ---------------------------------------------------------------- run it

let status = 0;
try {
  await main();
} catch (e) {
  status = e instanceof Interrupted ? 130 : 1;
  if (!(e instanceof Interrupted)) console.error(`bench: ${e.message}`);
} finally {
  const leftovers = await cleanup();
  report.cleanup = leftovers;
}
if (status === 0) {
  analyse();
  printTables();
  const outFile = resolve(opt.out ?? join(mkdtempSync(join(tmpdir(), 'tsrun-bench-results-')), 'bench-results.json'));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  const svgFile = resolve(opt.svg ?? (quick ? join(dirname(outFile), 'bench-scale.svg') : join(top, 'docs/bench-scale.svg')));
  mkdirSync(dirname(svgFile), { recursive: true });
  writeFileSync(svgFile, scaleSvg());
  console.log(`\nreport: ${outFile}\nchart:  ${svgFile}`);
}
process.exit(status);
