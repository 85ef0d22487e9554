/* Resolving paths inside the container's rootfs without escaping it (CVE-2021-30465). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "helper.h"

/* Symlinks are followed, but as if root_fd were "/": nothing resolves outside it. */
int open_in_root(int root_fd, const char *path, int flags)
{
	return open_in_root_how(root_fd, path, flags, 0);
}

/* The same, with more RESOLVE_ flags (RESOLVE_NO_SYMLINKS for /proc and /sys). */
int open_in_root_how(int root_fd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve;
	if (root_fd < 0) {
		errno = EBADF;
		return -1;
	}
	return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

/* Mounting onto /proc/self/fd/N acts on exactly the file we resolved. */
int proc_fd_path(int fd, char *buf, size_t len)
{
	return snprintf(buf, len, "/proc/self/fd/%d", fd) >= (int)len ? -1 : 0;
}
