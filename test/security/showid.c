/* Test program: prints its real and effective uid and its capability sets.
 * Installed setuid-root in a test rootfs to see what exec of it grants. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	printf("uid %d euid %d\n", (int)getuid(), (int)geteuid());
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "CapPrm", 6) == 0 || strncmp(line, "CapEff", 6) == 0)
			fputs(line, stdout);
	return 0;
}
