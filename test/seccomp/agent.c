/*
 * agent: a seccomp agent for the SCMP_ACT_NOTIFY tests, the listener side
 * of linux.seccomp.listenerPath (Node cannot receive SCM_RIGHTS).
 *
 *   agent SOCKET OUT
 *
 * Listens on SOCKET, prints "ready", accepts one connection and reads the
 * container process state (JSON) and the fd that came with it. Writes
 * OUT (the JSON), OUT.fd (what the fd is, from /proc/self/fd) and, once
 * the container is gone, OUT.count (how many notifications it answered).
 * Every notified syscall fails with ENOMEDIUM, so the container can tell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: agent SOCKET OUT\n");
		return 2;
	}
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 1) < 0) {
		perror("listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	int c = accept(s, NULL, NULL);
	if (c < 0) {
		perror("accept");
		return 1;
	}

	static char msg[1 << 16];
	size_t len = 0;
	int fd = -1;
	for (;;) {
		char control[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = { msg + len, sizeof msg - 1 - len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
		ssize_t n = recvmsg(c, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("recvmsg");
			return 1;
		}
		if (n == 0)
			break;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && fd < 0)
				memcpy(&fd, CMSG_DATA(cm), sizeof fd);
		len += (size_t)n;
	}
	write_file(argv[2], msg, len);

	char path[64], link[256] = "";
	char out[512];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t l = fd >= 0 ? readlink(path, link, sizeof link - 1) : -1;
	link[l > 0 ? l : 0] = 0;
	snprintf(out, sizeof out, "%s.fd", argv[2]);
	write_file(out, link, strlen(link));
	if (fd < 0)
		return 1;

	int count = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, 30000);
		if (r <= 0 || (p.revents & (POLLHUP | POLLERR)) || !(p.revents & POLLIN))
			break;
		struct seccomp_notif req;
		memset(&req, 0, sizeof req);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break;
		}
		struct seccomp_notif_resp resp = { .id = req.id, .val = 0, .error = -ENOMEDIUM, .flags = 0 };
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			count++;
	}
	char num[32];
	snprintf(out, sizeof out, "%s.count", argv[2]);
	snprintf(num, sizeof num, "%d", count);
	write_file(out, num, strlen(num));
	return 0;
}
