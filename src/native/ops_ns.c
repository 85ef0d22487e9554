/* Namespaces, the clone of the init, and the sync points with tsrun. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "helper.h"

int op_setns(struct ctx *c, const struct op *op)
{
	(void)c;
	return setns(op->fd, (int)op->args[1].i);
}

int op_unshare(struct ctx *c, const struct op *op)
{
	(void)c;
	return unshare((int)op->args[0].i);
}

int op_sethostname(struct ctx *c, const struct op *op)
{
	(void)c;
	return sethostname(op->args[0].s, op->args[0].len);
}

int op_setdomainname(struct ctx *c, const struct op *op)
{
	(void)c;
	return setdomainname(op->args[0].s, op->args[0].len);
}

/* Writes "0" into a cgroup file, which moves the writer. A process moving
 * itself into a v1 hierarchy's `tasks` (a single-threaded one, as the
 * helper is, moves whole) takes no lock that waits for an RCU grace
 * period, as moving another process does: 5 to 40 ms on every create. */
int move_self_into(int dirfd, const char *file)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = write(fd, "0", 1) == 1 ? 0 : -1;
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* The container's cgroup, entered the way that does not wait: the helper
 * moves itself into each v1 hierarchy's cgroup and the init it clones is
 * born there; the cgroup2 directory is opened for the clone, and the
 * helper's own cgroups for its return if it stays to wait for the init.
 * Opened now, while the paths are the host's: later ops may join another
 * mount namespace. */
int op_enter_cgroup(struct ctx *c, const struct op *op)
{
	const struct arg *own = &op->args[2];
	if (own->count > MAX_HIERARCHIES) {
		errno = E2BIG;
		return -1;
	}
	for (uint32_t i = 0; i < own->count; i++) {
		int fd = open(own->v[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(c->detail, sizeof c->detail, "%s", own->v[i]);
			return -1;
		}
		c->return_fds[c->nreturn++] = fd;
	}
	for (uint32_t i = 0; i < op->args[0].count; i++) {
		if (move_self_into(AT_FDCWD, op->args[0].v[i]) < 0) {
			snprintf(c->detail, sizeof c->detail, "%s", op->args[0].v[i]);
			return -1;
		}
	}
	if (op->args[1].len) {
		c->cgroup2_fd = open(op->args[1].s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->cgroup2_fd < 0) {
			snprintf(c->detail, sizeof c->detail, "%s", op->args[1].s);
			return -1;
		}
	}
	return 0;
}

/* A helper that waits for the init does not stay one of the container's
 * processes. Only a warning if it cannot: the container runs either way. */
void return_from_cgroup(struct ctx *c)
{
	for (uint32_t i = 0; i < c->nreturn; i++) {
		if (write(c->return_fds[i], "0", 1) != 1)
			fprintf(stderr, "tsrun-helper: cannot leave the container's cgroup: %s\n", strerror(errno));
		close(c->return_fds[i]);
	}
	c->nreturn = 0;
}

static long clone3_with(struct clone_args *args)
{
	return syscall(SYS_clone3, args, sizeof *args);
}

/* clone3 puts the child straight into new namespaces (the time namespace
 * too) and, with CLONE_INTO_CGROUP, into the cgroup2 directory entered. */
int op_clone(struct ctx *c, const struct op *op, pid_t *child)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = (uint64_t)op->args[0].i;
	args.exit_signal = SIGCHLD;
	if (c->cgroup2_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)c->cgroup2_fd;
	}
	long pid = clone3_with(&args);
	if (pid < 0 && c->cgroup2_fd >= 0 && (errno == EINVAL || errno == E2BIG || errno == ENOSYS)) {
		/* Before Linux 5.7 there is no CLONE_INTO_CGROUP: the helper moves
		 * itself (the whole process, which waits) and the init is born
		 * there. A helper that waits for the init then stays in that
		 * cgroup2 directory: it returns to its v1 cgroups only. */
		if (move_self_into(c->cgroup2_fd, "cgroup.procs") < 0)
			return -1;
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = clone3_with(&args);
	}
	if (pid < 0 && errno == ENOSYS && !(args.flags & CLONE_NEWTIME))
		pid = syscall(SYS_clone, (unsigned long)args.flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (c->cgroup2_fd >= 0)
			close(c->cgroup2_fd);
		c->cgroup2_fd = -1;
		for (uint32_t i = 0; i < c->nreturn; i++)
			close(c->return_fds[i]);
		c->nreturn = 0;
	}
	/* No PDEATHSIG: after create the helper exits and the init lives on.
	 * If tsrun dies mid-create, the init's next sync read ends in EOF. */
	*child = (pid_t)pid;
	return 0;
}

int op_sync(struct ctx *c, const struct op *op)
{
	uint32_t tag = (uint32_t)op->args[0].i, type, len;
	char *payload;
	if (send_msg(c->sync_fd, MSG_SYNC, &tag, 4) < 0)
		return -1;
	if (read_msg(c->sync_fd, &type, &payload, &len) < 0)
		return -1;
	if (type != MSG_CONTINUE) {
		/* tsrun gave up: it reports why itself. */
		_exit(1);
	}
	return 0;
}
