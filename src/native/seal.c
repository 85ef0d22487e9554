/*
 * CVE-2019-5736: a container process could open the runtime's /proc/PID/exe
 * and overwrite the binary on the host. The helper therefore never runs from
 * its file on disk: it copies itself into a sealed memfd and re-executes
 * from that, so /proc/PID/exe names a file nobody can write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "helper.h"

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int running_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

void run_from_sealed_copy(char **argv)
{
	if (running_sealed())
		return;
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int mem = memfd_create("tsrun-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct stat st;
	if (src < 0 || mem < 0 || fstat(src, &st) < 0)
		goto fail;
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(mem, src, NULL, (size_t)(st.st_size - done));
		if (n <= 0)
			goto fail;
		done += n;
	}
	if (fcntl(mem, F_ADD_SEALS, SEALS) < 0)
		goto fail;
	close(src);
	syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
fail:
	fprintf(stderr, "tsrun-helper: cannot run from a sealed copy of itself: %m\n");
	_exit(1);
}
