/* Lists a directory slowly: getdents64 with a buffer that holds one or two entries, some
 * work after each call, each name printed as it comes, so that a snapshot taken anywhere
 * falls in the middle of the listing. The order is the filesystem's, so the output is
 * compared with hexvm's own uninterrupted run, not with a native one.
 *
 *   listdir change DIR   changes DIR first (removes, adds and renames entries, makes a
 *                        subdirectory), then lists it
 *   listdir proc         lists /proc while the child processes it started end one by one
 *   listdir plain DIR    lists DIR as it is (/dev)
 *   listdir sorted ...   the same, but prints the names sorted at the end instead of as they
 *                        come (for a restore from a copy of the files on another
 *                        filesystem, whose order is its own) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 6
#define NAMES_MAX 4096

static char *names[NAMES_MAX];
static int nnames;

static void work(unsigned long n)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; k < n; k++)
		x += k ^ (x >> 3);
}

static void change(const char *dir)
{
	char a[512], b[512];
	for (int k = 0; k < 400; k += 7) {
		snprintf(a, sizeof a, "%s/entry-%03d", dir, k);
		unlink(a);
	}
	for (int k = 0; k < 40; k++) {
		snprintf(a, sizeof a, "%s/late-%02d", dir, k);
		close(open(a, O_WRONLY | O_CREAT, 0644));
	}
	for (int k = 1; k < 400; k += 50) {
		snprintf(a, sizeof a, "%s/entry-%03d", dir, k);
		snprintf(b, sizeof b, "%s/renamed-%03d", dir, k);
		rename(a, b);
	}
	snprintf(a, sizeof a, "%s/subdir", dir);
	mkdir(a, 0755);
}

/* Children that wait for their pipe to close; pids[k] ends when fds[k] is closed. */
static void start_children(pid_t *pids, int *fds)
{
	for (int k = 0; k < CHILDREN; k++) {
		int p[2];
		if (pipe(p))
			exit(3);
		pids[k] = fork();
		if (pids[k] == 0) {
			char c;
			close(p[1]);
			for (int j = 0; j < k; j++) /* the pipes of the older ones */
				close(fds[j]);
			while (read(p[0], &c, 1) > 0)
				;
			_exit(0);
		}
		close(p[0]);
		fds[k] = p[1];
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int arg = 1, sorted = argc > 1 && !strcmp(argv[1], "sorted");
	arg += sorted;
	if (argc <= arg)
		return 2;
	const char *mode = argv[arg], *dir = argc > arg + 1 ? argv[arg + 1] : "/proc";
	pid_t pids[CHILDREN];
	int fds[CHILDREN], ended = strcmp(mode, "proc") ? CHILDREN : 0;
	if (!strcmp(mode, "change"))
		change(dir);
	if (!strcmp(mode, "proc"))
		start_children(pids, fds);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 4;
	char buf[80];
	long n, calls = 0;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long at = 0; at < n;) {
			const char *name = buf + at + 19;
			unsigned short reclen;
			memcpy(&reclen, buf + at + 16, sizeof reclen);
			if (sorted && nnames < NAMES_MAX)
				names[nnames++] = strdup(name);
			else if (!sorted)
				printf("%s %d\n", name, buf[at + 18]);
			at += reclen;
		}
		fflush(stdout);
		if (!strcmp(mode, "proc") && ended < CHILDREN && ++calls % 3 == 0) {
			close(fds[ended]);
			waitpid(pids[ended++], NULL, 0);
		}
		work(strcmp(mode, "change") ? 200000 : 20000); /* a listing of few entries goes slower */
	}
	if (sorted) {
		qsort(names, nnames, sizeof names[0], cmp);
		for (int k = 0; k < nnames; k++)
			printf("%s\n", names[k]);
	}
	printf("end: %ld\n", n);
	while (ended < CHILDREN) {
		close(fds[ended]);
		waitpid(pids[ended++], NULL, 0);
	}
	return 0;
}
