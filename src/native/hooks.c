/*
 * Hooks that run inside the container's namespaces (createContainer and
 * startContainer): the init forks, the hook gets the container state on
 * stdin, and the init waits for it, killing it at its timeout. The state
 * carries the pid "as seen by the container", which only the init knows:
 * tsrun hands the text on either side of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helper.h"

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return; /* a hook need not read its stdin */
		s += w;
		n -= (size_t)w;
	}
}

int op_run_hook(struct ctx *c, const struct op *op)
{
	const char *path = op->args[0].s;
	char *const *argv = (char *const *)op->args[1].v;
	char *const *envp = (char *const *)op->args[2].v;
	const char *fallback[] = { path, NULL };
	int timeout_ms = op->args[3].i > 0 ? (int)op->args[3].i * 1000 : -1;
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		execve(path, argv[0] ? argv : (char *const *)fallback, envp);
		_exit(127);
	}
	close(in[0]);
	char pidtext[16];
	int plen = snprintf(pidtext, sizeof pidtext, "%d", getpid());
	signal(SIGPIPE, SIG_IGN);
	write_all(in[1], op->args[4].s, op->args[4].len);
	write_all(in[1], pidtext, (size_t)plen);
	write_all(in[1], op->args[5].s, op->args[5].len);
	close(in[1]);
	signal(SIGPIPE, SIG_DFL);

	int status, pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = { pidfd, POLLIN, 0 };
		int r;
		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pidfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(c->detail, sizeof c->detail, "%s did not finish within %llds", path, (long long)op->args[3].i);
			errno = ETIMEDOUT;
			return -1;
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(c->detail, sizeof c->detail, "%s exited with status %d", path, WEXITSTATUS(status));
	else
		snprintf(c->detail, sizeof c->detail, "%s was killed by signal %d", path, WTERMSIG(status));
	errno = ECANCELED;
	return -1;
}
