/* Files and mounts: the rootfs, its mounts and devices, pivot_root, masked paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "helper.h"

static int close_keep_errno(int fd, int rc)
{
	int err = errno;
	if (fd >= 0)
		close(fd);
	errno = err;
	return rc;
}

int op_write_file(struct ctx *c, const struct op *op)
{
	(void)c;
	int fd = open(op->args[0].s, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, op->args[1].s, op->args[1].len);
	if (n >= 0 && (uint32_t)n != op->args[1].len) {
		errno = EIO;
		n = -1;
	}
	return close_keep_errno(fd, n < 0 ? -1 : 0);
}

int op_open_fifo(struct ctx *c, const struct op *op)
{
	if (mkfifo(op->args[0].s, 0600) < 0)
		return -1;
	/* Read-write: the open does not block, and `start` can tell a dead init by ENXIO. */
	c->fifo_fd = open(op->args[0].s, O_RDWR | O_CLOEXEC);
	return c->fifo_fd < 0 ? -1 : 0;
}

int op_open_root(struct ctx *c, const struct op *op)
{
	int fd = open(op->args[0].s, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (c->root_fd >= 0)
		close(c->root_fd);
	c->root_fd = fd;
	return 0;
}

/* Flags a mount in a user namespace may not drop: remounts must keep them. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
	if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
	return f;
}

static int do_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)
{
	int rc = mount(source, target, fstype, flags, data);
	if (rc < 0 && errno == EPERM && (flags & MS_REMOUNT) && (flags & MS_BIND)) {
		unsigned long keep = locked_flags(target);
		if (!(flags & MS_RDONLY))
			keep &= ~(unsigned long)MS_RDONLY;
		rc = mount(source, target, fstype, flags | keep, data);
	}
	return rc;
}

static const char *or_null(const struct arg *a)
{
	return a->len ? a->s : NULL;
}

int op_mount(struct ctx *c, const struct op *op)
{
	const char *target = op->args[1].s;
	char fdpath[64];
	int fd = -1;
	/* args[2]: 0 a host path, 1 inside the root, 2 inside the root through no symlink at all */
	if (op->args[2].i) {
		fd = open_in_root_how(c->root_fd, target, O_PATH, op->args[2].i == 2 ? RESOLVE_NO_SYMLINKS : 0);
		if (fd < 0)
			return -1;
		proc_fd_path(fd, fdpath, sizeof fdpath);
		target = fdpath;
	}
	int rc = do_mount(or_null(&op->args[0]), target, or_null(&op->args[3]), (unsigned long)op->args[4].i,
			  or_null(&op->args[5]));
	return close_keep_errno(fd, rc);
}

/* runtime-spec's recursive options (rro, rnosuid, ...): one mount_setattr(2)
 * for the mount and every mount under it. */
int op_mount_setattr(struct ctx *c, const struct op *op)
{
	int fd = open_in_root(c->root_fd, op->args[0].s, O_PATH);
	if (fd < 0)
		return -1;
	struct mount_attr attr = { .attr_set = (uint64_t)op->args[1].i, .attr_clr = (uint64_t)op->args[2].i };
	int rc = (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
	return close_keep_errno(fd, rc);
}

/* Opens the parent directory of path inside the root; *name points at the last component. */
static int open_parent(struct ctx *c, const char *path, char *buf, size_t len, const char **name)
{
	if (snprintf(buf, len, "%s", path) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	char *slash = strrchr(buf, '/');
	if (!slash) {
		*name = buf;
		return open_in_root(c->root_fd, "/", O_PATH | O_DIRECTORY);
	}
	*slash = 0;
	*name = slash + 1;
	return open_in_root(c->root_fd, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
}

/* mkdir -p inside the root; the last component may be a file (a bind-mount
 * target). A dangling symlink on the way is followed inside the root: what
 * it names is created there, never on the host. */
int op_mkdirs(struct ctx *c, const struct op *op)
{
	mode_t mode = (mode_t)op->args[1].i;
	int leaf_is_file = (int)op->args[2].i;
	char path[PATH_MAX], prefix[PATH_MAX];
	if (snprintf(path, sizeof path, "%s", op->args[0].s) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int links = 0;
restart:;
	size_t plen = strlen(path);
	for (size_t i = 1; i <= plen; i++) {
		if (path[i] != '/' && path[i] != 0)
			continue;
		memcpy(prefix, path, i);
		prefix[i] = 0;
		int is_leaf = path[i] == 0;
		int fd = open_in_root(c->root_fd, prefix, O_PATH);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return -1;
		char buf[PATH_MAX], target[PATH_MAX];
		const char *name;
		int parent = open_parent(c, prefix, buf, sizeof buf, &name);
		if (parent < 0)
			return -1;
		ssize_t tlen = readlinkat(parent, name, target, sizeof target - 1);
		if (tlen >= 0) {
			/* A dangling symlink: continue with the path it names, still inside the root. */
			close(parent);
			target[tlen] = 0;
			if (++links > 40) {
				errno = ELOOP;
				return -1;
			}
			char next[PATH_MAX];
			int n = target[0] == '/' ? snprintf(next, sizeof next, "%s%s", target, path + i)
						 : snprintf(next, sizeof next, "%s/%s%s", buf, target, path + i);
			if (n >= (int)sizeof next) {
				errno = ENAMETOOLONG;
				return -1;
			}
			memcpy(path, next, (size_t)n + 1);
			goto restart;
		}
		int rc;
		if (is_leaf && leaf_is_file) {
			int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
			rc = f < 0 ? -1 : close(f);
		} else {
			rc = mkdirat(parent, name, mode);
		}
		if (rc < 0 && errno == EEXIST)
			rc = 0;
		close_keep_errno(parent, rc);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int op_mknod(struct ctx *c, const struct op *op)
{
	char buf[PATH_MAX];
	const char *name;
	mode_t mode = (mode_t)op->args[1].i;
	int parent = open_parent(c, op->args[0].s, buf, sizeof buf, &name);
	if (parent < 0)
		return -1;
	dev_t dev = makedev((unsigned)op->args[2].i, (unsigned)op->args[3].i);
	int rc = mknodat(parent, name, mode, dev);
	if (rc < 0 && errno == EEXIST && unlinkat(parent, name, 0) == 0)
		rc = mknodat(parent, name, mode, dev);
	/* mknod applies the umask; the config's fileMode is meant exactly. */
	if (rc == 0)
		rc = fchmodat(parent, name, mode & 07777, 0);
	if (rc == 0)
		rc = fchownat(parent, name, (uid_t)op->args[4].i, (gid_t)op->args[5].i, AT_SYMLINK_NOFOLLOW);
	return close_keep_errno(parent, rc);
}

int op_symlink(struct ctx *c, const struct op *op)
{
	char buf[PATH_MAX];
	const char *name;
	int parent = open_parent(c, op->args[1].s, buf, sizeof buf, &name);
	if (parent < 0)
		return -1;
	int rc = symlinkat(op->args[0].s, parent, name);
	if (rc < 0 && errno == EEXIST)
		rc = 0;
	return close_keep_errno(parent, rc);
}

int op_pivot_root(struct ctx *c, const struct op *op)
{
	(void)c;
	int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int newroot = open(op->args[0].s, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int rc = -1;
	if (oldroot < 0 || newroot < 0)
		goto out;
	/* pivot_root(".", ".") stacks the old root on the new one; then detach it. */
	if (fchdir(newroot) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		goto out;
	if (fchdir(oldroot) < 0)
		goto out;
	/* Make the old root a slave so that unmounting it does not reach the host. */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
		goto out;
	rc = chdir("/");
out:
	close_keep_errno(oldroot, 0);
	return close_keep_errno(newroot, rc);
}

int op_move_root(struct ctx *c, const struct op *op)
{
	(void)c;
	if (chdir(op->args[0].s) < 0 || mount(op->args[0].s, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
		return -1;
	return chdir("/");
}

/* Without a mount namespace there is no pivot_root: the init only changes its root. */
int op_chroot(struct ctx *c, const struct op *op)
{
	(void)c;
	if (chdir(op->args[0].s) < 0 || chroot(".") < 0)
		return -1;
	return chdir("/");
}

/* tsrun-helper unmount PATH...: lazily detach each mount, in the order given. */
int unmount_main(int count, char **paths)
{
	int rc = 0;
	for (int i = 0; i < count; i++) {
		if (umount2(paths[i], MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT) {
			fprintf(stderr, "unmount %s: %s\n", paths[i], strerror(errno));
			rc = 1;
		}
	}
	return rc;
}

int op_mask_path(struct ctx *c, const struct op *op)
{
	char fdpath[64];
	struct stat st;
	int fd = open_in_root(c->root_fd, op->args[0].s, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* nothing there to hide */
	proc_fd_path(fd, fdpath, sizeof fdpath);
	int rc = fstat(fd, &st);
	if (rc == 0 && S_ISDIR(st.st_mode))
		rc = mount("tmpfs", fdpath, "tmpfs", MS_RDONLY, NULL);
	else if (rc == 0)
		rc = mount("/dev/null", fdpath, NULL, MS_BIND, NULL);
	return close_keep_errno(fd, rc);
}

int op_readonly_path(struct ctx *c, const struct op *op)
{
	char fdpath[64];
	int fd = open_in_root(c->root_fd, op->args[0].s, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	proc_fd_path(fd, fdpath, sizeof fdpath);
	int rc = mount(fdpath, fdpath, NULL, MS_BIND | MS_REC, NULL);
	close(fd);
	if (rc < 0)
		return -1;
	/* Reopen: the fd still names the file under the new bind mount. */
	fd = open_in_root(c->root_fd, op->args[0].s, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	proc_fd_path(fd, fdpath, sizeof fdpath);
	rc = do_mount(NULL, fdpath, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
	return close_keep_errno(fd, rc);
}

/* CVE-2024-21626: a cwd reached through a leaked fd would be outside the root. */
int op_chdir(struct ctx *c, const struct op *op)
{
	char cwd[PATH_MAX];
	if (chdir(op->args[0].s) < 0)
		return -1;
	if (getcwd(cwd, sizeof cwd) == NULL || cwd[0] != '/') {
		snprintf(c->detail, sizeof c->detail, "cwd is outside the container root");
		errno = EPERM;
		return -1;
	}
	return 0;
}
