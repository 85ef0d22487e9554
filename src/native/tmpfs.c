/*
 * The tmpfs mounts of config.json. As with runc, a tmpfs over a directory
 * that exists takes that directory's mode unless the options give one
 * (`docker run --tmpfs /root` keeps /root 0755, not tmpfs's 1777); over a
 * directory that does not, it is made, and the tmpfs keeps its own mode.
 *
 * tmpcopyup (runc's mount extension, which podman uses for --read-only and
 * --tmpfs): the tmpfs starts with a copy of what the directory held. The
 * directory is opened before the mount; that fd still reaches the covered
 * directory afterwards, so the copy needs no temporary mount point. The copy
 * walks by fd, never by path, and follows no symlink: whatever the image put
 * there, nothing outside the rootfs is read or written.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "helper.h"

#define COPY_MAX_DEPTH 128

static int copy_tree(struct ctx *c, int from, int to, int depth);

static int copy_bytes(int in, int out)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			done += w;
		}
	}
}

/* Owner before mode: a chown clears the set-id bits the mode may carry. */
static int copy_owner_mode(int fd, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) < 0)
		return -1;
	return fchmod(fd, st->st_mode & 07777);
}

static int copy_dir(struct ctx *c, int from, int to, const char *name, const struct stat *st, int depth)
{
	if (mkdirat(to, name, 0700) < 0)
		return -1;
	int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub_from < 0)
		return -1;
	int sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = sub_to < 0 ? -1 : copy_tree(c, sub_from, sub_to, depth + 1);
	if (rc == 0)
		rc = copy_owner_mode(sub_to, st);
	int err = errno;
	close(sub_from);
	if (sub_to >= 0)
		close(sub_to);
	errno = err;
	return rc;
}

static int copy_file(int from, int to, const char *name, const struct stat *st)
{
	int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = out < 0 ? -1 : copy_bytes(in, out);
	if (rc == 0)
		rc = copy_owner_mode(out, st);
	int err = errno;
	close(in);
	if (out >= 0)
		close(out);
	errno = err;
	return rc;
}

static int copy_symlink(int from, int to, const char *name, const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(from, name, target, sizeof target - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	if (symlinkat(target, to, name) < 0)
		return -1;
	return fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
}

/* Device nodes, fifos and sockets: made again, as runc's copy does. */
static int copy_node(int to, const char *name, const struct stat *st)
{
	if (mknodat(to, name, st->st_mode & (S_IFMT | 0600), st->st_rdev) < 0)
		return -1;
	if (fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return fchmodat(to, name, st->st_mode & 07777, 0);
}

static int copy_entry(struct ctx *c, int from, int to, const char *name, int depth)
{
	struct stat st;
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(c, from, to, name, &st, depth);
	case S_IFREG:
		return copy_file(from, to, name, &st);
	case S_IFLNK:
		return copy_symlink(from, to, name, &st);
	default:
		return copy_node(to, name, &st);
	}
}

static int copy_tree(struct ctx *c, int from, int to, int depth)
{
	if (depth > COPY_MAX_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	int dfd = dup(from);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	int rc = 0;
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			rc = errno ? -1 : 0;
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = copy_entry(c, from, to, e->d_name, depth);
		if (rc < 0) {
			/* The innermost failure names the entry; the outer levels keep it. */
			if (!c->detail[0])
				snprintf(c->detail, sizeof c->detail, "copy up %.400s", e->d_name);
			break;
		}
	}
	int err = errno;
	closedir(d);
	errno = err;
	return rc;
}

/* "mode=MODE,DATA": a mode= later in DATA overrides the first, as mount(8) reads options. */
static char *data_with_mode(mode_t mode, const char *data)
{
	size_t len = strlen(data) + 16;
	char *out = malloc(len);
	if (out)
		snprintf(out, len, "mode=%04o%s%s", (unsigned)(mode & 07777), data[0] ? "," : "", data);
	return out;
}

/* mkdir -p of the target, 0755, through the same walk as OP_MKDIRS. */
static int make_target(struct ctx *c, const struct op *op)
{
	struct op mk = { .code = OP_MKDIRS, .argc = 3, .fd = -1 };
	mk.args[0] = op->args[1];
	mk.args[1].tag = mk.args[2].tag = ARG_INT;
	mk.args[1].i = 0755;
	return op_mkdirs(c, &mk);
}

/* args: source, target in the root, flags, data, copy_up */
int op_mount_tmpfs(struct ctx *c, const struct op *op)
{
	const char *target = op->args[1].s;
	int copy_up = op->args[4].i != 0;
	/* O_PATH is enough to stat and mount on; the copy needs to read. */
	int how = copy_up ? O_RDONLY | O_DIRECTORY : O_PATH;
	int covered = open_in_root(c->root_fd, target, how);
	/* A directory made here has no mode to pass on: the tmpfs keeps its own (1777). */
	int existed = covered >= 0;
	if (covered < 0 && errno == ENOENT && make_target(c, op) == 0)
		covered = open_in_root(c->root_fd, target, how);
	if (covered < 0)
		return -1;
	struct stat st;
	char fdpath[64], *data = NULL;
	int to = -1;
	int rc = fstat(covered, &st);
	if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	if (rc == 0 && !(data = existed ? data_with_mode(st.st_mode, op->args[3].s) : strdup(op->args[3].s)))
		rc = -1;
	if (rc == 0)
		rc = proc_fd_path(covered, fdpath, sizeof fdpath);
	if (rc == 0)
		rc = mount(op->args[0].len ? op->args[0].s : "tmpfs", fdpath, "tmpfs", (unsigned long)op->args[2].i, data);
	if (rc == 0 && copy_up) {
		to = open_in_root(c->root_fd, target, O_RDONLY | O_DIRECTORY);
		rc = to < 0 ? -1 : copy_tree(c, covered, to, 0);
	}
	int err = errno;
	free(data);
	close(covered);
	if (to >= 0)
		close(to);
	errno = err;
	return rc;
}
