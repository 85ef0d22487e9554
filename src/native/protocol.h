/*
 * The wire format between tsrun (TypeScript) and tsrun-helper (C).
 * src/native/protocol.ts holds the same numbers; a unit test keeps them equal.
 *
 * Every message on the sync socket is: u32 length (of what follows), u32 type,
 * payload. All integers are little-endian.
 *
 * A plan (the payload of MSG_PLAN) is: u32 magic, u32 version, u32 op count,
 * then each op: u16 code, u16 argc, and argc args, each a u8 tag then:
 *   ARG_INT   i64
 *   ARG_STR   u32 length, bytes, the last one NUL and no other NUL
 *   ARG_BLOB  u32 length, bytes
 *   ARG_STRV  u32 count, then count ARG_STR bodies (length, bytes)
 */
#ifndef TSRUN_PROTOCOL_H
#define TSRUN_PROTOCOL_H

#define PLAN_MAGIC 0x50525354u /* "TSRP" */
#define PLAN_VERSION 1u
#define PLAN_MAX_BYTES (16u << 20)
#define PLAN_MAX_OPS 65536u
#define PLAN_MAX_ARGS 16u

enum arg_tag {
	ARG_INT = 1,
	ARG_STR = 2,
	ARG_BLOB = 3,
	ARG_STRV = 4,
};

enum msg_type {
	MSG_PLAN = 1,     /* tsrun -> helper: the plan */
	MSG_PID = 2,      /* helper -> tsrun: i32 pid of the container init */
	MSG_SYNC = 3,     /* init -> tsrun: u32 tag; init waits for MSG_CONTINUE */
	MSG_CONTINUE = 4, /* tsrun -> init */
	MSG_READY = 5,    /* init -> tsrun: set up, about to wait for start */
	MSG_ERROR = 6,    /* helper/init -> tsrun: u32 op index, i32 errno, str detail */
};

enum op_code {
	OP_SETNS = 1,          /* path, nstype: join a namespace */
	OP_UNSHARE = 2,        /* flags */
	OP_WRITE_FILE = 3,     /* path, data: write to an existing file */
	OP_OPEN_FIFO = 4,      /* path: mkfifo and keep it open read-write */
	OP_CLONE = 5,          /* flags, wait: fork the init; the helper then reports its pid */
	OP_SYNC = 6,           /* tag: ask tsrun to act, wait for it */
	OP_SETHOSTNAME = 7,    /* name */
	OP_SETDOMAINNAME = 8,  /* name */
	OP_MOUNT = 9,          /* source, target, where (0 host, 1 in root, 2 in root without symlinks), fstype, flags, data */
	OP_OPEN_ROOT = 10,     /* path: the rootfs later paths are resolved in */
	OP_MKDIRS = 11,        /* path in root, mode, leaf_is_file */
	OP_MKNOD = 12,         /* path in root, mode, major, minor, uid, gid */
	OP_SYMLINK = 13,       /* target, path in root */
	OP_PIVOT_ROOT = 14,    /* path */
	OP_MOVE_ROOT = 15,     /* path: MS_MOVE onto / and chroot (--no-pivot) */
	OP_MASK_PATH = 16,     /* path: /dev/null over a file, read-only tmpfs over a dir */
	OP_READONLY_PATH = 17, /* path: bind it read-only onto itself */
	OP_SETRLIMIT = 18,     /* resource, soft, hard */
	OP_CHDIR = 19,         /* path: must stay inside the root */
	OP_SETGROUPS = 20,     /* gid... */
	OP_SETRESGID = 21,     /* gid */
	OP_SETRESUID = 22,     /* uid */
	OP_UMASK = 23,         /* mask */
	OP_CAP_BOUNDING = 24,  /* mask of capabilities to keep in the bounding set */
	OP_KEEPCAPS = 25,      /* 0 or 1 */
	OP_CAPS = 26,          /* effective, permitted, inheritable, ambient masks */
	OP_NO_NEW_PRIVS = 27,
	OP_RESOLVE_EXEC = 28,  /* argv0, PATH: find the program like execvp */
	OP_READY = 29,         /* tell tsrun the init is set up, close the sync socket */
	OP_WAIT_FIFO = 30,     /* block until `start` writes to the exec fifo */
	OP_CLOSE_FDS = 31,     /* first: close every fd from it up */
	OP_SECCOMP = 32,       /* program, flags, listener path, state pieces (seccomp.c) */
	OP_EXEC = 33,          /* argv, envp */
	OP_JOIN_KEYRING = 34,  /* name: a new session keyring for the container */
	OP_CONSOLE_CONNECT = 35, /* path: the --console-socket that will receive the pty master */
	OP_CONSOLE_PAIR = 36,  /* the helper itself receives the pty master and relays it (run in the foreground) */
	OP_SETUP_TTY = 37,     /* rows, cols, console path, uid, gid: a pty whose slave becomes stdio */
	OP_RUN_HOOK = 38,      /* path, argv, envp, timeout, state before pid, state after pid */
	OP_PERSONALITY = 39,   /* persona */
	OP_IOPRIO = 40,        /* ioprio value (class << 13 | level) */
	OP_SCHED = 41,         /* policy, flags, nice, priority, runtime, deadline, period */
	OP_CHROOT = 42,        /* path: chroot into it (no mount namespace of its own) */
	OP_MOUNT_TMPFS = 43,   /* source, target in root, flags, data, copy_up: a config tmpfs (tmpfs.c) */
	OP_MOUNT_SETATTR = 44, /* target in root, attr_set, attr_clr: mount_setattr(2), recursively */
	OP_ENTER_CGROUP = 45,  /* v1 tasks files, cgroup2 dir, own tasks files: move into the first, clone into the second, wait in the third */
};

#endif
