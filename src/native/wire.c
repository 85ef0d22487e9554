/* Messages on the sync socket and the bounds-checked plan parser. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "helper.h"

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The sync fd is a socket: a tsrun that has gone away makes a send fail
 * with EPIPE, not end the helper with SIGPIPE (which signal it leaves at
 * its default, for the container's sake). */
static int send_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_msg(int fd, uint32_t *type, char **payload, uint32_t *len)
{
	uint32_t head[2];
	if (read_full(fd, head, sizeof head) < 0)
		return -1;
	if (head[0] < 4 || head[0] - 4 > PLAN_MAX_BYTES) {
		errno = EMSGSIZE;
		return -1;
	}
	*type = head[1];
	*len = head[0] - 4;
	*payload = malloc(*len + 1);
	if (!*payload)
		return -1;
	if (read_full(fd, *payload, *len) < 0)
		return -1;
	(*payload)[*len] = 0;
	return 0;
}

int send_msg(int fd, uint32_t type, const void *payload, uint32_t len)
{
	/* One write per message: the helper and the init share the socket. */
	char buf[8 + 1024];
	uint32_t head[2] = { len + 4, type };
	if (len > sizeof buf - 8) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(buf, head, 8);
	if (len)
		memcpy(buf + 8, payload, len);
	return send_full(fd, buf, 8 + len);
}

void report_error(struct ctx *c, uint32_t index, int err)
{
	char buf[8 + sizeof c->detail];
	size_t dlen = strnlen(c->detail, sizeof c->detail - 1);
	int32_t e = err;
	memcpy(buf, &index, 4);
	memcpy(buf + 4, &e, 4);
	memcpy(buf + 8, c->detail, dlen);
	if (c->sync_fd >= 0)
		send_msg(c->sync_fd, MSG_ERROR, buf, (uint32_t)(8 + dlen));
}

/* A cursor over the plan that refuses to read past its end. */
struct cursor {
	char *p, *end;
};

static int take(struct cursor *cu, void *out, size_t n)
{
	if ((size_t)(cu->end - cu->p) < n)
		return -1;
	memcpy(out, cu->p, n);
	cu->p += n;
	return 0;
}

static int take_str(struct cursor *cu, const char **s, uint32_t *slen)
{
	uint32_t n;
	if (take(cu, &n, 4) < 0 || n == 0 || (size_t)(cu->end - cu->p) < n)
		return -1;
	if (cu->p[n - 1] != 0 || memchr(cu->p, 0, n - 1) != NULL)
		return -1;
	*s = cu->p;
	*slen = n - 1;
	cu->p += n;
	return 0;
}

int parse_plan(char *buf, uint32_t len, struct plan *plan, char *why, size_t whylen)
{
	struct cursor cu = { buf, buf + len };
	uint32_t magic, version, nops;
	plan->buf = buf;
	if (take(&cu, &magic, 4) < 0 || take(&cu, &version, 4) < 0 || take(&cu, &nops, 4) < 0 ||
	    magic != PLAN_MAGIC) {
		snprintf(why, whylen, "not a tsrun plan");
		return -1;
	}
	if (version != PLAN_VERSION) {
		snprintf(why, whylen, "plan version %u, helper speaks %u", version, PLAN_VERSION);
		return -1;
	}
	if (nops > PLAN_MAX_OPS) {
		snprintf(why, whylen, "plan has too many ops");
		return -1;
	}
	plan->nops = nops;
	plan->ops = calloc(nops ? nops : 1, sizeof(struct op));
	if (!plan->ops) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (uint32_t i = 0; i < nops; i++) {
		struct op *op = &plan->ops[i];
		if (take(&cu, &op->code, 2) < 0 || take(&cu, &op->argc, 2) < 0 || op->argc > PLAN_MAX_ARGS)
			goto bad;
		for (uint16_t a = 0; a < op->argc; a++) {
			struct arg *arg = &op->args[a];
			if (take(&cu, &arg->tag, 1) < 0)
				goto bad;
			switch (arg->tag) {
			case ARG_INT:
				if (take(&cu, &arg->i, 8) < 0)
					goto bad;
				break;
			case ARG_STR:
				if (take_str(&cu, &arg->s, &arg->len) < 0)
					goto bad;
				break;
			case ARG_BLOB:
				if (take(&cu, &arg->len, 4) < 0 || (size_t)(cu.end - cu.p) < arg->len)
					goto bad;
				arg->s = cu.p;
				cu.p += arg->len;
				break;
			case ARG_STRV: {
				uint32_t slen;
				if (take(&cu, &arg->count, 4) < 0 || arg->count > len / 5)
					goto bad;
				arg->v = calloc(arg->count + 1, sizeof(char *));
				if (!arg->v)
					goto bad;
				for (uint32_t k = 0; k < arg->count; k++)
					if (take_str(&cu, &arg->v[k], &slen) < 0)
						goto bad;
				break;
			}
			default:
				goto bad;
			}
		}
		continue;
bad:
		snprintf(why, whylen, "malformed plan at op %u", i);
		return -1;
	}
	if (cu.p != cu.end) {
		snprintf(why, whylen, "trailing bytes after the plan");
		return -1;
	}
	return 0;
}

/* Sends one fd with SCM_RIGHTS along with msg (the fd rides on the first part). */
int send_fd(int sock, int fd, const char *msg, size_t len)
{
	char control[CMSG_SPACE(sizeof(int))];
	memset(control, 0, sizeof control);
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	size_t sent = 0;
	while (sent < len) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		sent += (size_t)n;
		/* The fd goes with the first part only. */
		iov.iov_base = (char *)msg + sent;
		iov.iov_len = len - sent;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	return 0;
}
