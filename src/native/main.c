/*
 * tsrun-helper: runs a plan of operations that tsrun compiled from config.json.
 *
 *   tsrun-helper SYNC_FD
 *
 * It reads the plan from the sync socket, checks every op against its
 * signature, then runs the ops in order. OP_CLONE splits the work: the helper
 * reports the init's pid and either exits (create) or waits for the init
 * (run); the init runs the rest of the plan, which ends in execve.
 * On failure it reports (op index, errno) and exits: tsrun turns that into
 * a message naming the config field.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helper.h"

int op_clone(struct ctx *c, const struct op *op, pid_t *child);

struct op_def {
	const char *sig; /* one letter per arg: i int, s str, b blob, v strv; '+' ends in any number of ints */
	op_fn fn;
};

static const struct op_def ops[] = {
	[OP_SETNS] = { "si", op_setns },
	[OP_UNSHARE] = { "i", op_unshare },
	[OP_WRITE_FILE] = { "sb", op_write_file },
	[OP_OPEN_FIFO] = { "s", op_open_fifo },
	[OP_CLONE] = { "ii", NULL },
	[OP_SYNC] = { "i", op_sync },
	[OP_SETHOSTNAME] = { "s", op_sethostname },
	[OP_SETDOMAINNAME] = { "s", op_setdomainname },
	[OP_MOUNT] = { "ssisis", op_mount },
	[OP_OPEN_ROOT] = { "s", op_open_root },
	[OP_MKDIRS] = { "sii", op_mkdirs },
	[OP_MKNOD] = { "siiiii", op_mknod },
	[OP_SYMLINK] = { "ss", op_symlink },
	[OP_PIVOT_ROOT] = { "s", op_pivot_root },
	[OP_MOVE_ROOT] = { "s", op_move_root },
	[OP_MASK_PATH] = { "s", op_mask_path },
	[OP_READONLY_PATH] = { "s", op_readonly_path },
	[OP_SETRLIMIT] = { "iii", op_setrlimit },
	[OP_CHDIR] = { "s", op_chdir },
	[OP_SETGROUPS] = { "+", op_setgroups },
	[OP_SETRESGID] = { "i", op_setresgid },
	[OP_SETRESUID] = { "i", op_setresuid },
	[OP_UMASK] = { "i", op_umask },
	[OP_CAP_BOUNDING] = { "i", op_cap_bounding },
	[OP_KEEPCAPS] = { "i", op_keepcaps },
	[OP_CAPS] = { "iiii", op_caps },
	[OP_NO_NEW_PRIVS] = { "", op_no_new_privs },
	[OP_RESOLVE_EXEC] = { "ss", op_resolve_exec },
	[OP_READY] = { "", op_ready },
	[OP_WAIT_FIFO] = { "", op_wait_fifo },
	[OP_CLOSE_FDS] = { "i", op_close_fds },
	[OP_SECCOMP] = { "bisv", op_seccomp }, /* seccomp.c */
	[OP_EXEC] = { "vv", op_exec },
	[OP_JOIN_KEYRING] = { "s", op_join_keyring },
	[OP_CONSOLE_CONNECT] = { "s", op_console_connect },
	[OP_CONSOLE_PAIR] = { "", op_console_pair },
	[OP_SETUP_TTY] = { "iisii", op_setup_tty },
	[OP_RUN_HOOK] = { "svviss", op_run_hook },
	[OP_PERSONALITY] = { "i", op_personality },
	[OP_IOPRIO] = { "i", op_ioprio },
	[OP_SCHED] = { "iiiiiii", op_sched },
	[OP_CHROOT] = { "s", op_chroot },
	[OP_MOUNT_TMPFS] = { "ssisi", op_mount_tmpfs }, /* tmpfs.c */
	[OP_MOUNT_SETATTR] = { "sii", op_mount_setattr },
	[OP_ENTER_CGROUP] = { "vsv", op_enter_cgroup },
};

static int check_signature(const struct op *op)
{
	static const char tags[] = { [ARG_INT] = 'i', [ARG_STR] = 's', [ARG_BLOB] = 'b', [ARG_STRV] = 'v' };
	if (op->code == 0 || op->code >= sizeof ops / sizeof ops[0] || !ops[op->code].sig)
		return -1;
	const char *sig = ops[op->code].sig;
	if (strcmp(sig, "+") == 0) {
		for (uint16_t a = 0; a < op->argc; a++)
			if (op->args[a].tag != ARG_INT)
				return -1;
		return 0;
	}
	if (strlen(sig) != op->argc)
		return -1;
	for (uint16_t a = 0; a < op->argc; a++)
		if (tags[op->args[a].tag] != sig[a])
			return -1;
	return 0;
}

static void die_setup(int sync_fd, const char *why)
{
	struct ctx c = { .sync_fd = sync_fd, .cgroup2_fd = -1 };
	snprintf(c.detail, sizeof c.detail, "%s", why);
	report_error(&c, UINT32_MAX, EINVAL);
	fprintf(stderr, "tsrun-helper: %s\n", why);
	_exit(1);
}

/* The helper's part after the clone: report the pid, then leave or wait. */
static void parent_after_clone(struct ctx *c, pid_t child, const struct op *clone)
{
	int32_t pid = child;
	send_msg(c->sync_fd, MSG_PID, &pid, 4);
	close(c->sync_fd);
	if (c->console_fd >= 0)
		close(c->console_fd);
	if (!clone->args[1].i)
		_exit(0);
	return_from_cgroup(c);
	if (c->relay_fd >= 0)
		_exit(relay_terminal(c->relay_fd, child));
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			_exit(255);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(128 + WTERMSIG(status));
}

/* Every signal at its default and none blocked, whatever tsrun's caller or
 * the way tsrun started us left: the container inherits ignored signals
 * across exec. Node ignores SIGPIPE, and glibc's posix_spawn sets its two
 * internal signals to ignored, which libc's sigaction refuses to change:
 * hence the raw system call, with the kernel's struct sigaction. */
static void reset_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} dfl = { .handler = SIG_DFL };
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int main(int argc, char **argv)
{
	reset_signals();
	/* A second mode, apart from plans: attach a cgroup device program. */
	if (argc == 3 && strcmp(argv[1], "bpf-devices") == 0)
		return bpf_devices_main(argv[2]);
	/* And a third: detach mounts a container without a mount namespace left on the host. */
	if (argc >= 2 && strcmp(argv[1], "unmount") == 0)
		return unmount_main(argc - 2, argv + 2);
	if (argc != 2) {
		fprintf(stderr, "tsrun-helper is run by tsrun, not by hand\n");
		return 2;
	}
	run_from_sealed_copy(argv);

	struct ctx c = { .sync_fd = atoi(argv[1]), .root_fd = -1, .fifo_fd = -1, .console_fd = -1, .relay_fd = -1, .cgroup2_fd = -1 };
	/* Until execve nobody may ptrace us or open our /proc/self/exe through /proc/PID. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	uint32_t type, len;
	char *buf, why[256];
	struct plan plan;
	if (read_msg(c.sync_fd, &type, &buf, &len) < 0 || type != MSG_PLAN)
		die_setup(c.sync_fd, "no plan received");
	if (parse_plan(buf, len, &plan, why, sizeof why) < 0)
		die_setup(c.sync_fd, why);
	for (uint32_t i = 0; i < plan.nops; i++)
		if (check_signature(&plan.ops[i]) < 0) {
			snprintf(why, sizeof why, "op %u (code %u) has the wrong arguments", i, plan.ops[i].code);
			die_setup(c.sync_fd, why);
		}

	/* Open every namespace to join first: after joining a user or mount
	 * namespace the others' /proc paths may no longer be reachable. */
	for (uint32_t i = 0; i < plan.nops; i++) {
		struct op *op = &plan.ops[i];
		op->fd = -1;
		if (op->code != OP_SETNS)
			continue;
		op->fd = open(op->args[0].s, O_RDONLY | O_CLOEXEC);
		if (op->fd < 0) {
			report_error(&c, i, errno);
			_exit(1);
		}
	}

	for (uint32_t i = 0; i < plan.nops; i++) {
		const struct op *op = &plan.ops[i];
		int rc;
		c.detail[0] = 0;
		if (op->code == OP_CLONE) {
			pid_t child;
			rc = op_clone(&c, op, &child);
			if (rc == 0 && child > 0)
				parent_after_clone(&c, child, op);
		} else {
			rc = ops[op->code].fn(&c, op);
		}
		if (rc < 0) {
			int err = errno;
			report_error(&c, i, err);
			if (c.sync_fd < 0)
				fprintf(stderr, "tsrun-helper: op %u failed: %s %s\n", i, strerror(err), c.detail);
			_exit(op->code == OP_EXEC ? (err == ENOENT ? 127 : 126) : 1);
		}
	}
	_exit(0);
}
