/* paired: compare two commands' start-up by runs that alternate.
 *
 * usage: paired RUNS CMD_A CMD_B [ARGS...]
 *
 * Runs CMD_A ARGS and CMD_B ARGS one after the other RUNS times each, the
 * pair's order alternating, stdin and stdout on /dev/null. Prints each
 * command's median wall and CPU (user + system) milliseconds, then the
 * median and the 10%-trimmed mean of the differences B - A within each
 * pair. On a machine whose speed drifts by a third from one minute to the
 * next (as this project's does), two medians measured apart differ by more
 * than a change to hexvm's start-up; the two runs of a pair see the same
 * machine, so their difference does not drift with it. Exit status: 0, or
 * 1 when a run fails or the usage is wrong. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct run {
	double wall_ms, cpu_ms;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; }

/* Runs argv once; 0, or -1 when it cannot be run or does not exit 0. */
static int run_once(char **argv, struct run *r)
{
	double start = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	r->wall_ms = now_ms() - start;
	r->cpu_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return v[n / 2];
}

/* The mean of v without its lowest and highest tenth (v sorted). */
static double trimmed_mean(const double *v, int n)
{
	double sum = 0;
	int from = n / 10, to = n - n / 10;
	for (int k = from; k < to; k++)
		sum += v[k];
	return sum / (to - from);
}

int main(int argc, char **argv)
{
	int n = argc >= 4 ? atoi(argv[1]) : 0;
	if (n < 1) {
		fprintf(stderr, "usage: paired RUNS CMD_A CMD_B [ARGS...]\n");
		return 1;
	}
	int nargs = argc - 4;
	char **cmd = calloc((size_t)nargs + 2, sizeof *cmd);
	double *v[6]; /* wall A, wall B, cpu A, cpu B, wall B-A, cpu B-A */
	for (int k = 0; k < 6; k++)
		v[k] = calloc((size_t)n, sizeof *v[k]);
	memcpy(cmd + 1, argv + 4, (size_t)nargs * sizeof *cmd);
	for (int i = 0; i < n; i++) {
		struct run r[2];
		for (int j = 0; j < 2; j++) {
			int which = i % 2 ? 1 - j : j;
			cmd[0] = argv[2 + which];
			if (run_once(cmd, &r[which])) {
				fprintf(stderr, "paired: %s failed\n", cmd[0]);
				return 1;
			}
		}
		v[0][i] = r[0].wall_ms, v[1][i] = r[1].wall_ms;
		v[2][i] = r[0].cpu_ms, v[3][i] = r[1].cpu_ms;
		v[4][i] = r[1].wall_ms - r[0].wall_ms, v[5][i] = r[1].cpu_ms - r[0].cpu_ms;
	}
	for (int w = 0; w < 2; w++)
		printf("%s: wall %.3f ms, cpu %.3f ms (medians of %d)\n", argv[2 + w],
		       median(v[w], n), median(v[2 + w], n), n);
	double dw = median(v[4], n), dc = median(v[5], n);
	printf("B - A: wall %+.3f ms (trimmed mean %+.3f), cpu %+.3f ms (trimmed mean %+.3f)\n",
	       dw, trimmed_mean(v[4], n), dc, trimmed_mean(v[5], n));
	return 0;
}
