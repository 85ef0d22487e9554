/* Namespaces, the clone of the init, and the sync points with tsrun. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
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

/* clone3 puts the child straight into new namespaces (the time namespace too). */
int op_clone(struct ctx *c, const struct op *op, pid_t *child)
{
	(void)c;
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = (uint64_t)op->args[0].i;
	args.exit_signal = SIGCHLD;
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && errno == ENOSYS && !(args.flags & CLONE_NEWTIME))
		pid = syscall(SYS_clone, (unsigned long)args.flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -1;
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
