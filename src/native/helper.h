/* tsrun-helper: executes a plan compiled by tsrun. It decides nothing. */
#ifndef TSRUN_HELPER_H
#define TSRUN_HELPER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "protocol.h"

struct arg {
	uint8_t tag;
	int64_t i;          /* ARG_INT */
	const char *s;      /* ARG_STR, ARG_BLOB: points into the plan buffer */
	uint32_t len;       /* ARG_STR (without the NUL), ARG_BLOB */
	const char **v;     /* ARG_STRV: NULL-terminated */
	uint32_t count;     /* ARG_STRV */
};

struct op {
	uint16_t code;
	uint16_t argc;
	int fd; /* OP_SETNS: the namespace file, opened before any op runs */
	struct arg args[PLAN_MAX_ARGS];
};

struct plan {
	char *buf;
	uint32_t nops;
	struct op *ops;
};

#define MAX_HIERARCHIES 32

/* What the ops share while the plan runs. */
struct ctx {
	int sync_fd;     /* socket to tsrun; -1 once closed */
	int root_fd;     /* the rootfs, for resolving paths inside it */
	int fifo_fd;     /* the exec fifo, opened read-write */
	int console_fd;  /* where the init sends the pty master */
	int relay_fd;    /* the helper's end when it relays the terminal itself */
	int cgroup2_fd;  /* the cgroup2 directory the init is cloned into, or -1 */
	int return_fds[MAX_HIERARCHIES]; /* a waiting helper's own v1 cgroups, opened before any setns */
	uint32_t nreturn;
	char exec_path[4096];
	char detail[512]; /* extra words for an error report */
};

/* wire.c */
int read_msg(int fd, uint32_t *type, char **payload, uint32_t *len);
int send_msg(int fd, uint32_t type, const void *payload, uint32_t len);
int parse_plan(char *buf, uint32_t len, struct plan *plan, char *why, size_t whylen);
void report_error(struct ctx *c, uint32_t index, int err);
int send_fd(int sock, int fd, const char *msg, size_t len);

/* bpf.c: the bpf-devices mode (tsrun-helper bpf-devices DIR < program) */
int bpf_devices_main(const char *dir);
int unmount_main(int count, char **paths);

/* seal.c */
void run_from_sealed_copy(char **argv);

/* op handlers: return 0, or -1 with errno set (and c->detail maybe) */
typedef int (*op_fn)(struct ctx *c, const struct op *op);
int op_setns(struct ctx *, const struct op *);
int op_unshare(struct ctx *, const struct op *);
int op_sethostname(struct ctx *, const struct op *);
int op_setdomainname(struct ctx *, const struct op *);
int op_sync(struct ctx *, const struct op *);
int op_enter_cgroup(struct ctx *, const struct op *);
int move_self_into(int dirfd, const char *file);
void return_from_cgroup(struct ctx *c);

int op_write_file(struct ctx *, const struct op *);
int op_open_fifo(struct ctx *, const struct op *);
int op_mount(struct ctx *, const struct op *);
int op_open_root(struct ctx *, const struct op *);
int op_mkdirs(struct ctx *, const struct op *);
int op_mknod(struct ctx *, const struct op *);
int op_symlink(struct ctx *, const struct op *);
int op_pivot_root(struct ctx *, const struct op *);
int op_move_root(struct ctx *, const struct op *);
int op_chroot(struct ctx *, const struct op *);
int op_mount_setattr(struct ctx *, const struct op *);
int op_mask_path(struct ctx *, const struct op *);
int op_readonly_path(struct ctx *, const struct op *);
int op_chdir(struct ctx *, const struct op *);

int op_setrlimit(struct ctx *, const struct op *);
int op_setgroups(struct ctx *, const struct op *);
int op_setresgid(struct ctx *, const struct op *);
int op_setresuid(struct ctx *, const struct op *);
int op_umask(struct ctx *, const struct op *);
int op_cap_bounding(struct ctx *, const struct op *);
int op_keepcaps(struct ctx *, const struct op *);
int op_caps(struct ctx *, const struct op *);
int op_no_new_privs(struct ctx *, const struct op *);
int op_resolve_exec(struct ctx *, const struct op *);
int op_ready(struct ctx *, const struct op *);
int op_wait_fifo(struct ctx *, const struct op *);
int op_close_fds(struct ctx *, const struct op *);
int op_seccomp(struct ctx *, const struct op *);
int op_exec(struct ctx *, const struct op *);
int op_join_keyring(struct ctx *, const struct op *);
int op_personality(struct ctx *, const struct op *);
int op_ioprio(struct ctx *, const struct op *);
int op_sched(struct ctx *, const struct op *);

/* tmpfs.c */
int op_mount_tmpfs(struct ctx *, const struct op *);

/* tty.c */
int op_console_connect(struct ctx *, const struct op *);
int op_console_pair(struct ctx *, const struct op *);
int op_setup_tty(struct ctx *, const struct op *);
int relay_terminal(int relay_fd, pid_t child);

/* hooks.c */
int op_run_hook(struct ctx *, const struct op *);

/* paths.c: resolving inside the rootfs without leaving it */
int open_in_root(int root_fd, const char *path, int flags);
int open_in_root_how(int root_fd, const char *path, int flags, uint64_t resolve);
int proc_fd_path(int fd, char *buf, size_t len);

#endif
