/*
 * Terminals. The init opens a pty inside the container (its own devpts),
 * makes the slave its stdio and controlling terminal, and sends the master
 * over a unix socket with SCM_RIGHTS: to the --console-socket (engines), or
 * back to the helper, which then relays between its own stdio and the
 * master (`tsrun run` in the foreground on a terminal).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "helper.h"

int op_console_connect(struct ctx *c, const struct op *op)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (op->args[0].len >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(addr.sun_path, op->args[0].s, op->args[0].len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	c->console_fd = fd;
	return 0;
}

int op_console_pair(struct ctx *c, const struct op *op)
{
	(void)op;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	c->relay_fd = sv[0];
	c->console_fd = sv[1];
	return 0;
}

static int recv_fd(int sock)
{
	char buf[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof buf };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int op_setup_tty(struct ctx *c, const struct op *op)
{
	char name[64];
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	int unlock = 0;
	int rc = -1, slave = -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ptsname_r(master, name, sizeof name) != 0)
		goto out;
	slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		goto out;
	struct winsize ws = { .ws_row = (unsigned short)op->args[0].i, .ws_col = (unsigned short)op->args[1].i };
	if (ws.ws_row && ws.ws_col && ioctl(master, TIOCSWINSZ, &ws) < 0)
		goto out;
	if (fchown(slave, (uid_t)op->args[3].i, (gid_t)op->args[4].i) < 0)
		goto out;
	if (op->args[2].len && mount(name, op->args[2].s, NULL, MS_BIND, NULL) < 0) {
		snprintf(c->detail, sizeof c->detail, "bind %s onto %s", name, op->args[2].s);
		goto out;
	}
	/* The pty's name goes with the fd, as runc sends it. */
	if (send_fd(c->console_fd, master, name, strlen(name)) < 0)
		goto out;
	close(c->console_fd);
	c->console_fd = -1;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		goto out;
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			goto out;
	rc = 0;
out:;
	int err = errno;
	close(master);
	if (slave > 2)
		close(slave);
	errno = err;
	return rc;
}

static int copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof buf);
	if (n <= 0)
		return -1;
	for (ssize_t done = 0; done < n;) {
		ssize_t w = write(to, buf + done, (size_t)(n - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		done += w;
	}
	return 0;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The helper's side of a foreground terminal: raw mode on our own terminal,
 * bytes both ways, window size changes passed on, until the init exits. */
int relay_terminal(int relay_fd, pid_t child)
{
	int status;
	int master = recv_fd(relay_fd);
	close(relay_fd);
	if (master < 0) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		return exit_code(status);
	}
	struct termios saved;
	int raw = isatty(0) && tcgetattr(0, &saved) == 0;
	if (raw) {
		struct termios t = saved;
		cfmakeraw(&t);
		tcsetattr(0, TCSANOW, &t);
		struct winsize ws;
		if (ioctl(0, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
	}
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	int stdin_open = 1, done = 0;
	while (!done) {
		struct pollfd p[3] = { { master, POLLIN, 0 }, { sfd, POLLIN, 0 }, { stdin_open ? 0 : -1, POLLIN, 0 } };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (copy_once(master, 1) < 0)
				break; /* every slave fd closed: the process is gone */
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			if (copy_once(0, master) < 0)
				stdin_open = 0;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGWINCH) {
				struct winsize ws;
				if (ioctl(0, TIOCGWINSZ, &ws) == 0)
					ioctl(master, TIOCSWINSZ, &ws);
			}
			if (waitpid(child, &status, WNOHANG) == child) {
				/* Drain what the process wrote before it exited. */
				while (poll(p, 1, 0) > 0 && (p[0].revents & POLLIN) && copy_once(master, 1) == 0)
					;
				done = 1;
			}
		}
	}
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	if (!done)
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	return exit_code(status);
}
