/*
 * OP_SECCOMP: load the BPF program tsrun compiled, and for SCMP_ACT_NOTIFY
 * hand the listener its notify fd.
 *
 *   args: program (blob), flags (int), listener path (str), state pieces (strv)
 *
 * An empty program only connects to the listener path: tsrun puts that op
 * before the clone, in the helper on the host, because the path is a host
 * path the init cannot reach after pivot_root. It also keeps an O_PATH fd of
 * the host's /proc: reading "self" through it later gives the init's pid as
 * the runtime sees it, which a process in a new pid namespace cannot learn
 * from its own /proc.
 *
 * A program with SECCOMP_FILTER_FLAG_NEW_LISTENER is loaded, and the
 * message, the state pieces joined by that pid, goes to the listener in one
 * sendmsg (then the rest, if the socket takes less) with the notify fd as
 * SCM_RIGHTS. Both fds are closed afterwards. The helper chooses nothing:
 * the message text and the flags come from the plan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include "helper.h"

static int listener_fd = -1;
static int host_proc_fd = -1;

static int seccomp_connect(struct ctx *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int err = errno;
		snprintf(c->detail, sizeof c->detail, "connect to %.400s", path);
		close(fd);
		errno = err;
		return -1;
	}
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0) {
		int err = errno;
		snprintf(c->detail, sizeof c->detail, "open the host's /proc");
		close(fd);
		errno = err;
		return -1;
	}
	listener_fd = fd;
	host_proc_fd = proc;
	return 0;
}

static void close_listener(void)
{
	if (listener_fd >= 0)
		close(listener_fd);
	if (host_proc_fd >= 0)
		close(host_proc_fd);
	listener_fd = host_proc_fd = -1;
}

/* The pieces joined by the pid, into a malloc'd buffer. */
static char *join_pieces(const struct arg *pieces, const char *pid, size_t *len)
{
	size_t total = 0, plen = strlen(pid);
	for (uint32_t i = 0; i < pieces->count; i++)
		total += strlen(pieces->v[i]) + (i + 1 < pieces->count ? plen : 0);
	char *buf = malloc(total + 1), *p = buf;
	if (!buf)
		return NULL;
	for (uint32_t i = 0; i < pieces->count; i++) {
		size_t n = strlen(pieces->v[i]);
		memcpy(p, pieces->v[i], n);
		p += n;
		if (i + 1 < pieces->count) {
			memcpy(p, pid, plen);
			p += plen;
		}
	}
	*p = 0;
	*len = total;
	return buf;
}

int op_seccomp(struct ctx *c, const struct op *op)
{
	const struct arg *prog = &op->args[0];
	unsigned flags = (unsigned)op->args[1].i;
	if (prog->len == 0)
		return seccomp_connect(c, op->args[2].s);
	if (prog->len % sizeof(struct sock_filter) != 0 || prog->len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		errno = EINVAL;
		return -1;
	}
	/* Copied: the plan buffer gives no alignment guarantee. */
	struct sock_filter *insns = malloc(prog->len);
	if (!insns)
		return -1;
	memcpy(insns, prog->s, prog->len);
	struct sock_fprog fprog = { (unsigned short)(prog->len / sizeof(struct sock_filter)), insns };

	int notify = (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
	char pid[32] = "";
	if (notify) {
		if (listener_fd < 0) {
			snprintf(c->detail, sizeof c->detail, "no connection to the seccomp listener");
			free(insns);
			errno = ENOTCONN;
			return -1;
		}
		/* Before the filter: it may not allow readlinkat. */
		ssize_t n = readlinkat(host_proc_fd, "self", pid, sizeof pid - 1);
		if (n <= 0) {
			free(insns);
			return -1;
		}
		pid[n] = 0;
	}
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	free(insns);
	if (rc < 0)
		return -1;
	if (!notify)
		return 0;

	int notify_fd = (int)rc;
	size_t len;
	char *msg = join_pieces(&op->args[3], pid, &len);
	int ok = msg && send_fd(listener_fd, notify_fd, msg, len) == 0;
	int err = errno;
	/* The connection ends here for the listener: the helper that stays as
	 * the init's parent (run in the foreground) holds a copy of this fd. */
	shutdown(listener_fd, SHUT_RDWR);
	free(msg);
	/* Closed in any case: once no listener holds it, notified syscalls fail with ENOSYS instead of waiting. */
	close(notify_fd);
	close_listener();
	if (!ok) {
		snprintf(c->detail, sizeof c->detail, "send the seccomp notify fd to the listener");
		errno = err;
		return -1;
	}
	return 0;
}
