/*
 * tmpcopyup (runc's mount extension, which podman uses for --read-only and
 * --tmpfs): a tmpfs mounted over a directory of the rootfs starts with a
 * copy of what that directory held.
 *
 * The directory is opened before the mount; that fd still reaches the
 * covered directory afterwards, so the copy needs no temporary mount point.
 * The copy walks by fd, never by path, and follows no symlink: whatever the
 * image put there, nothing outside the rootfs is read or written.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

/* The arguments of OP_MOUNT, for a tmpfs; then the copy. The tmpfs root
 * gets the mode of the directory it covers, as with runc. */
int op_mount_copy_up(struct ctx *c, const struct op *op)
{
	int from = open_in_root(c->root_fd, op->args[1].s, O_RDONLY | O_DIRECTORY);
	if (from < 0)
		return -1;
	struct stat st;
	int rc = fstat(from, &st);
	if (rc == 0)
		rc = op_mount(c, op);
	int to = rc < 0 ? -1 : open_in_root(c->root_fd, op->args[1].s, O_RDONLY | O_DIRECTORY);
	if (rc == 0 && to < 0)
		rc = -1;
	if (rc == 0)
		rc = copy_tree(c, from, to, 0);
	if (rc == 0)
		rc = fchmod(to, st.st_mode & 07777);
	int err = errno;
	close(from);
	if (to >= 0)
		close(to);
	errno = err;
	return rc;
}
