/*
 * tsrun-helper bpf-devices DIR: load the BPF_PROG_TYPE_CGROUP_DEVICE program
 * read from stdin (an array of struct bpf_insn that tsrun compiled from the
 * device rules) and attach it to the cgroup2 directory DIR. Only syscalls:
 * every instruction was decided by tsrun (src/cgroups/devices-bpf.ts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "helper.h"

#define MAX_INSNS 65536

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load(const struct bpf_insn *insns, size_t count, char *log, uint32_t log_size)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = (uint32_t)count;
	attr.license = (uintptr_t)"Apache-2.0";
	if (log) {
		attr.log_buf = (uintptr_t)log;
		attr.log_size = log_size;
		attr.log_level = 1;
	}
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

int bpf_devices_main(const char *dir)
{
	static struct bpf_insn insns[MAX_INSNS + 1];
	static char log[1 << 16];
	char *p = (char *)insns;
	size_t len = 0;
	ssize_t n;
	while ((n = read(0, p + len, sizeof insns - len)) > 0)
		len += (size_t)n;
	if (n < 0 || len == 0 || len % sizeof insns[0] || len > MAX_INSNS * sizeof insns[0]) {
		fprintf(stderr, "bpf-devices: expected a program on stdin, got %zu bytes\n", len);
		return 1;
	}
	size_t count = len / sizeof insns[0];
	int prog = load(insns, count, NULL, 0);
	if (prog < 0) {
		int err = errno;
		/* Load again with the verifier's log, to say why. */
		log[0] = 0;
		if (load(insns, count, log, sizeof log) < 0 && log[0])
			fprintf(stderr, "BPF_PROG_LOAD: %s; verifier: %.400s\n", strerror(err), log);
		else
			fprintf(stderr, "BPF_PROG_LOAD: %s\n", strerror(err));
		return 1;
	}
	int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		fprintf(stderr, "open %s: %s\n", dir, strerror(errno));
		return 1;
	}
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cg;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) {
		fprintf(stderr, "BPF_PROG_ATTACH: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
