/* The process the container runs: limits, ids, capabilities, the wait for start, execve. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "helper.h"

int op_setrlimit(struct ctx *c, const struct op *op)
{
	(void)c;
	struct rlimit rl = { (rlim_t)op->args[1].i, (rlim_t)op->args[2].i };
	return prlimit(0, (int)op->args[0].i, &rl, NULL);
}

int op_setgroups(struct ctx *c, const struct op *op)
{
	(void)c;
	gid_t gids[PLAN_MAX_ARGS];
	for (uint16_t i = 0; i < op->argc; i++)
		gids[i] = (gid_t)op->args[i].i;
	return (int)syscall(SYS_setgroups, op->argc, gids);
}

/* Raw syscalls: only this thread exists, and glibc's wrappers would signal others. */
int op_setresgid(struct ctx *c, const struct op *op)
{
	(void)c;
	gid_t g = (gid_t)op->args[0].i;
	return (int)syscall(SYS_setresgid, g, g, g);
}

int op_setresuid(struct ctx *c, const struct op *op)
{
	(void)c;
	uid_t u = (uid_t)op->args[0].i;
	return (int)syscall(SYS_setresuid, u, u, u);
}

int op_umask(struct ctx *c, const struct op *op)
{
	(void)c;
	umask((mode_t)op->args[0].i);
	return 0;
}

int op_cap_bounding(struct ctx *c, const struct op *op)
{
	(void)c;
	uint64_t keep = (uint64_t)op->args[0].i;
	for (int cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1; /* EINVAL: past the kernel's last capability */
	}
	return 0;
}

int op_keepcaps(struct ctx *c, const struct op *op)
{
	(void)c;
	return prctl(PR_SET_KEEPCAPS, (unsigned long)op->args[0].i, 0, 0, 0);
}

int op_caps(struct ctx *c, const struct op *op)
{
	(void)c;
	uint64_t eff = (uint64_t)op->args[0].i, perm = (uint64_t)op->args[1].i;
	uint64_t inh = (uint64_t)op->args[2].i, amb = (uint64_t)op->args[3].i;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	for (int cap = 0; cap < 64; cap++)
		if ((amb & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return -1;
	return 0;
}

int op_no_new_privs(struct ctx *c, const struct op *op)
{
	(void)c;
	(void)op;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int is_executable_file(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

/* execvp's search, done before `start` so that create reports a missing program. */
int op_resolve_exec(struct ctx *c, const struct op *op)
{
	const char *name = op->args[0].s, *path = op->args[1].s;
	size_t cap = sizeof c->exec_path;
	if (strchr(name, '/')) {
		if (snprintf(c->exec_path, cap, "%s", name) >= (int)cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return is_executable_file(c->exec_path);
	}
	int seen_eacces = 0;
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int dlen = (int)(end - p);
		/* An empty entry means the current directory, as in execvp. */
		if (snprintf(c->exec_path, cap, "%.*s%s%s", dlen, p, dlen ? "/" : "", name) < (int)cap) {
			if (is_executable_file(c->exec_path) == 0)
				return 0;
			if (errno == EACCES)
				seen_eacces = 1;
		}
		if (*end == 0)
			break;
		p = end;
	}
	c->exec_path[0] = 0;
	errno = seen_eacces ? EACCES : ENOENT;
	return -1;
}

int op_ready(struct ctx *c, const struct op *op)
{
	(void)op;
	if (send_msg(c->sync_fd, MSG_READY, NULL, 0) < 0)
		return -1;
	close(c->sync_fd);
	c->sync_fd = -1;
	return 0;
}

int op_wait_fifo(struct ctx *c, const struct op *op)
{
	(void)op;
	char b;
	ssize_t n;
	do
		n = read(c->fifo_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	close(c->fifo_fd);
	c->fifo_fd = -1;
	return 0;
}

int op_close_fds(struct ctx *c, const struct op *op)
{
	unsigned int first = (unsigned int)op->args[0].i;
	if (syscall(SYS_close_range, first, ~0U, 0) == 0)
		return 0;
	/* Older kernels: walk the fd table. */
	for (int fd = (int)first; fd < 65536; fd++)
		close(fd);
	c->root_fd = -1;
	return 0;
}

int op_personality(struct ctx *c, const struct op *op)
{
	(void)c;
	return personality((unsigned long)op->args[0].i) < 0 ? -1 : 0;
}

#define IOPRIO_WHO_PROCESS 1

int op_ioprio(struct ctx *c, const struct op *op)
{
	(void)c;
	return (int)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, (int)op->args[0].i);
}

/* struct sched_attr from linux/sched/types.h (glibc has no wrapper). */
struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int op_sched(struct ctx *c, const struct op *op)
{
	(void)c;
	struct sched_attr_v1 a = {
		.size = sizeof a,
		.sched_policy = (uint32_t)op->args[0].i,
		.sched_flags = (uint64_t)op->args[1].i,
		.sched_nice = (int32_t)op->args[2].i,
		.sched_priority = (uint32_t)op->args[3].i,
		.sched_runtime = (uint64_t)op->args[4].i,
		.sched_deadline = (uint64_t)op->args[5].i,
		.sched_period = (uint64_t)op->args[6].i,
	};
	return (int)syscall(SYS_sched_setattr, 0, &a, 0);
}

/* KEYCTL_JOIN_SESSION_KEYRING from linux/keyctl.h. */
#define KEYCTL_JOIN_SESSION_KEYRING 1

int op_join_keyring(struct ctx *c, const struct op *op)
{
	(void)c;
	long rc = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, op->args[0].s, 0, 0, 0);
	/* Kernels without keyrings have nothing to share. */
	if (rc < 0 && errno == ENOSYS)
		return 0;
	return rc < 0 ? -1 : 0;
}

extern char **environ;

int op_exec(struct ctx *c, const struct op *op)
{
	const char *path = c->exec_path[0] ? c->exec_path : op->args[0].v[0];
	execve(path, (char *const *)op->args[0].v, (char *const *)op->args[1].v);
	snprintf(c->detail, sizeof c->detail, "exec %.480s", path);
	return -1;
}
