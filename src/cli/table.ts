// The CLI as data: the parser and the help text (yargs) both read it, so
// they cannot disagree. Names and flags follow runc, since engines call
// tsrun exactly as they call runc.

export interface OptionDef {
  name: string;
  alias?: string;
  type: 'boolean' | 'string' | 'number';
  describe: string;
  default?: string | number | boolean;
  // Given more than once, the values are collected into a list.
  repeatable?: boolean;
}

export interface CommandDef {
  name: string;
  describe: string;
  positionals: { name: string; required: boolean; describe: string }[];
  options: OptionDef[];
  // After this many positionals the rest is taken as is (exec ID cmd -c ...).
  literalAfter?: number;
}

export const GLOBAL_OPTIONS: OptionDef[] = [
  { name: 'root', type: 'string', default: '/run/tsrun', describe: 'directory for container state (tmpfs recommended)' },
  { name: 'log', type: 'string', describe: 'write log lines to this file (engines read the last error from it)' },
  { name: 'log-format', type: 'string', default: 'text', describe: 'log format: text or json' },
  { name: 'debug', type: 'boolean', describe: 'log debug lines too' },
  { name: 'trace', type: 'boolean', describe: 'print every step of the plan to stderr before running it' },
  { name: 'systemd-cgroup', type: 'boolean', describe: 'use systemd to manage cgroups (needs systemd running)' },
  { name: 'rootless', type: 'string', describe: 'ignored; accepted for runc compatibility' },
  { name: 'criu', type: 'string', describe: 'ignored; accepted for runc compatibility' },
  { name: 'version', alias: 'v', type: 'boolean', describe: 'print the version' },
  { name: 'help', alias: 'h', type: 'boolean', describe: 'show help' },
];

const ID = { name: 'container-id', required: true, describe: 'the container id' };

const CREATE_OPTIONS: OptionDef[] = [
  { name: 'bundle', alias: 'b', type: 'string', default: '.', describe: 'bundle directory (holds config.json)' },
  { name: 'console-socket', type: 'string', describe: 'unix socket that receives the pty master' },
  { name: 'pid-file', type: 'string', describe: 'write the init pid to this file' },
  { name: 'no-pivot', type: 'boolean', describe: 'move the rootfs and chroot instead of pivot_root' },
  { name: 'no-new-keyring', type: 'boolean', describe: 'keep the caller\'s session keyring' },
  { name: 'preserve-fds', type: 'number', default: 0, describe: 'pass this many fds (from 3 up) to the process' },
];

export const COMMANDS: CommandDef[] = [
  { name: 'create', describe: 'create a container; its process waits for start', positionals: [ID], options: CREATE_OPTIONS },
  { name: 'start', describe: 'start the process of a created container', positionals: [ID], options: [] },
  { name: 'state', describe: 'print the state of a container as JSON', positionals: [ID], options: [] },
  {
    name: 'kill', describe: 'send a signal to the container init (default SIGTERM)',
    positionals: [ID, { name: 'signal', required: false, describe: 'name (TERM, SIGTERM) or number' }],
    options: [{ name: 'all', alias: 'a', type: 'boolean', describe: 'signal every process in the container' }],
  },
  {
    name: 'delete', describe: 'delete a stopped container', positionals: [ID],
    options: [{ name: 'force', alias: 'f', type: 'boolean', describe: 'kill it first if it runs; succeed if it does not exist' }],
  },
  {
    name: 'run', describe: 'create and start a container, wait for it and delete it', positionals: [ID],
    options: [...CREATE_OPTIONS, { name: 'detach', alias: 'd', type: 'boolean', describe: 'return once started' }],
  },
  {
    name: 'exec', describe: 'run a new process in a running container',
    positionals: [ID, { name: 'command', required: false, describe: 'the program and its arguments (or --process)' }],
    literalAfter: 1,
    options: [
      { name: 'process', alias: 'p', type: 'string', describe: 'a JSON file with the process (runtime-spec process object)' },
      { name: 'console-socket', type: 'string', describe: 'unix socket that receives the pty master' },
      { name: 'tty', alias: 't', type: 'boolean', describe: 'give the process a terminal' },
      { name: 'detach', alias: 'd', type: 'boolean', describe: 'return once the process runs' },
      { name: 'pid-file', type: 'string', describe: 'write the process pid to this file' },
      { name: 'cwd', type: 'string', describe: 'working directory in the container' },
      { name: 'env', alias: 'e', type: 'string', repeatable: true, describe: 'set an environment variable (NAME=value); repeatable' },
      { name: 'user', alias: 'u', type: 'string', describe: 'uid[:gid] to run as' },
      { name: 'additional-gids', alias: 'g', type: 'string', repeatable: true, describe: 'an additional gid; repeatable' },
      { name: 'cap', alias: 'c', type: 'string', repeatable: true, describe: 'add a capability (CAP_X); repeatable' },
      { name: 'no-new-privs', type: 'boolean', describe: 'set no_new_privs for the process' },
      { name: 'preserve-fds', type: 'number', default: 0, describe: 'pass this many fds (from 3 up) to the process' },
    ],
  },
  {
    name: 'plan', describe: 'print the steps create would take, without taking them',
    positionals: [{ name: 'container-id', required: false, describe: 'the container id (default: plan)' }],
    options: [CREATE_OPTIONS[0], CREATE_OPTIONS[3]],
  },
  { name: 'pause', describe: 'freeze every process of a container (cgroup freezer)', positionals: [ID], options: [] },
  { name: 'resume', describe: 'thaw a paused container', positionals: [ID], options: [] },
  {
    name: 'ps', describe: 'list the processes of a container (host pids)',
    positionals: [ID, { name: 'ps-options', required: false, describe: 'options for the host ps (table only; default -ef)' }],
    literalAfter: 1,
    options: [{ name: 'format', alias: 'f', type: 'string', default: 'table', describe: 'table (the host ps, filtered) or json (an array of pids)' }],
  },
  {
    name: 'list', describe: 'list the containers under --root', positionals: [],
    options: [
      { name: 'format', alias: 'f', type: 'string', default: 'table', describe: 'table or json' },
      { name: 'quiet', alias: 'q', type: 'boolean', describe: 'print the ids only' },
    ],
  },
  {
    name: 'spec', describe: 'write a starting config.json into the bundle directory', positionals: [],
    options: [
      { name: 'bundle', alias: 'b', type: 'string', default: '.', describe: 'the bundle directory' },
      { name: 'rootless', type: 'boolean', describe: 'for an unprivileged user: a user namespace mapping the caller, no network namespace' },
    ],
  },
  { name: 'features', describe: 'print the runtime-spec features tsrun implements (JSON)', positionals: [], options: [] },
  {
    name: 'events', describe: 'print resource usage (and OOM events) of a container as JSON', positionals: [ID],
    options: [
      { name: 'stats', type: 'boolean', describe: 'print the stats once and exit' },
      { name: 'interval', type: 'string', default: '5s', describe: 'how often to print stats (a duration: 5s, 500ms)' },
    ],
  },
  {
    name: 'update', describe: 'change the cgroup limits of a container (zero or "" leaves a value as it is)', positionals: [ID],
    options: [
      { name: 'resources', alias: 'r', type: 'string', describe: 'a JSON file with linux.resources, or - for stdin; the flags below are then ignored' },
      { name: 'memory', type: 'string', describe: 'memory limit in bytes (64m, 1g; -1 for none)' },
      { name: 'memory-reservation', type: 'string', describe: 'memory soft limit in bytes' },
      { name: 'memory-swap', type: 'string', describe: 'memory plus swap limit in bytes (-1 for none)' },
      { name: 'kernel-memory', type: 'string', describe: 'deprecated: accepted and not applied, with a warning (kernel memory counts in --memory)' },
      { name: 'kernel-memory-tcp', type: 'string', describe: 'kernel TCP buffer limit in bytes (v1)' },
      { name: 'cpu-share', type: 'string', describe: 'cpu shares (relative weight)' },
      { name: 'cpu-shares', type: 'string', describe: 'the same as --cpu-share' },
      { name: 'cpu-quota', type: 'string', describe: 'cpu time in microseconds per period (-1 for none)' },
      { name: 'cpu-period', type: 'string', describe: 'the cpu quota period in microseconds' },
      { name: 'cpu-burst', type: 'string', describe: 'cpu time a period may borrow, in microseconds' },
      { name: 'cpu-rt-period', type: 'string', describe: 'realtime period in microseconds (v1)' },
      { name: 'cpu-rt-runtime', type: 'string', describe: 'realtime runtime in microseconds per period (v1)' },
      { name: 'cpuset-cpus', type: 'string', describe: 'cpus to run on (0-3,7)' },
      { name: 'cpuset-mems', type: 'string', describe: 'memory nodes to use (0-1)' },
      { name: 'pids-limit', type: 'string', describe: 'the most tasks (-1 for none)' },
      { name: 'blkio-weight', type: 'string', describe: 'block io weight, 10 to 1000' },
      { name: 'l3-cache-schema', type: 'string', describe: 'Intel RDT (not supported)' },
      { name: 'mem-bw-schema', type: 'string', describe: 'Intel RDT (not supported)' },
    ],
  },
];
