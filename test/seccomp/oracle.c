/*
 * oracle: builds a seccomp filter with libseccomp from a line-based profile
 * on stdin and writes the BPF program (struct sock_filter[]) to stdout.
 * Test-only: the differential tests compare its verdicts with tsrun's own
 * compiler. Built by the tests with `cc oracle.c -lseccomp`.
 *
 * Input, one statement a line:
 *   default ACTION            the filter's default action (first line)
 *   badarch ACTION            the action for an architecture not in the filter
 *   arch NAME                 x86_64, x86, x32 or aarch64 (the native one is always there)
 *   rule ACTION NAME N [INDEX OP A B]...
 *                             seccomp_rule_add_array with N comparisons;
 *                             OP is NE LT LE EQ GE GT MASKED_EQ; A is the
 *                             value (the mask for MASKED_EQ), B the masked value
 * ACTION is a number (SECCOMP_RET_*), A and B unsigned 64-bit decimals.
 * A rule naming a syscall libseccomp does not know is skipped, as runc does.
 *
 * `oracle resolve` instead reads syscall names, one a line, and prints
 * "NAME X86_64 X86 X32 AARCH64" with libseccomp's number on each (or "-").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t arch_token(const char *name)
{
	if (!strcmp(name, "x86_64")) return SCMP_ARCH_X86_64;
	if (!strcmp(name, "x86")) return SCMP_ARCH_X86;
	if (!strcmp(name, "x32")) return SCMP_ARCH_X32;
	if (!strcmp(name, "aarch64")) return SCMP_ARCH_AARCH64;
	fprintf(stderr, "oracle: unknown arch %s\n", name);
	exit(2);
}

static enum scmp_compare cmp_op(const char *name)
{
	static const struct { const char *name; enum scmp_compare op; } ops[] = {
		{ "NE", SCMP_CMP_NE }, { "LT", SCMP_CMP_LT }, { "LE", SCMP_CMP_LE }, { "EQ", SCMP_CMP_EQ },
		{ "GE", SCMP_CMP_GE }, { "GT", SCMP_CMP_GT }, { "MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strcmp(ops[i].name, name))
			return ops[i].op;
	fprintf(stderr, "oracle: unknown op %s\n", name);
	exit(2);
}

static int resolve(void)
{
	static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64 };
	char name[128];
	while (scanf("%127s", name) == 1) {
		printf("%s", name);
		for (size_t i = 0; i < 4; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[i], name);
			if (nr == __NR_SCMP_ERROR || nr < 0)
				printf(" -");
			else
				printf(" %d", nr);
		}
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "resolve"))
		return resolve();

	char word[128];
	uint32_t action;
	if (scanf("%127s %" SCNu32, word, &action) != 2 || strcmp(word, "default")) {
		fprintf(stderr, "oracle: the first line must be `default ACTION`\n");
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(action);
	if (!ctx) {
		fprintf(stderr, "oracle: seccomp_init(%#x) failed\n", action);
		return 1;
	}
	int line = 1;
	while (scanf("%127s", word) == 1) {
		line++;
		int rc = 0;
		if (!strcmp(word, "badarch")) {
			if (scanf("%" SCNu32, &action) != 1)
				goto syntax;
			rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action);
		} else if (!strcmp(word, "arch")) {
			if (scanf("%127s", word) != 1)
				goto syntax;
			rc = seccomp_arch_add(ctx, arch_token(word));
			if (rc == -EEXIST)
				rc = 0;
		} else if (!strcmp(word, "rule")) {
			char name[128];
			unsigned n;
			struct scmp_arg_cmp cmps[6];
			if (scanf("%" SCNu32 " %127s %u", &action, name, &n) != 3 || n > 6)
				goto syntax;
			for (unsigned i = 0; i < n; i++) {
				char op[16];
				unsigned index;
				uint64_t a, b;
				if (scanf("%u %15s %" SCNu64 " %" SCNu64, &index, op, &a, &b) != 4)
					goto syntax;
				cmps[i] = (struct scmp_arg_cmp){ .arg = index, .op = cmp_op(op), .datum_a = a, .datum_b = b };
			}
			int nr = seccomp_syscall_resolve_name(name);
			if (nr == __NR_SCMP_ERROR)
				continue;
			rc = seccomp_rule_add_array(ctx, action, nr, n, cmps);
		} else {
			goto syntax;
		}
		if (rc < 0) {
			fprintf(stderr, "oracle: line %d (%s): %s\n", line, word, strerror(-rc));
			return 1;
		}
	}
	int rc = seccomp_export_bpf(ctx, 1);
	if (rc < 0) {
		fprintf(stderr, "oracle: seccomp_export_bpf: %s\n", strerror(-rc));
		return 1;
	}
	seccomp_release(ctx);
	return 0;

syntax:
	fprintf(stderr, "oracle: line %d: bad %s statement\n", line, word);
	return 2;
}
