/* first_calls: which functions a program enters, in the order it first
 * enters them.
 *
 * usage: first_calls ADDRS OUT -- PROGRAM [ARGS...]
 *
 * ADDRS lists function entry addresses (hex, one a line, as nm prints them)
 * of PROGRAM, a static non-PIE executable. first_calls starts PROGRAM under
 * ptrace (standard output to /dev/null), puts a breakpoint on every entry,
 * and on each first hit takes that breakpoint out and appends the address
 * to OUT. Single-stepping would see every instruction but costs ~90 us a
 * step here (3 million steps for a hello under hexvm); a breakpoint traps
 * once a function.
 *
 * tools/startup_order/order.sh runs it; the Makefile lays out the functions
 * it finds first in hexvm's text (see there for why). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

struct entry {
	uint64_t addr;
	uint8_t saved; /* the byte the breakpoint replaced */
	int armed;
};

static int by_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct entry *)a)->addr, y = ((const struct entry *)b)->addr;
	return (x > y) - (x < y);
}

static struct entry *read_addrs(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = 0, cap = 4096;
	struct entry *e = malloc(cap * sizeof *e);
	unsigned long long a;
	while (e && fscanf(f, "%llx", &a) == 1) {
		if (n == cap) {
			struct entry *more = realloc(e, (cap *= 2) * sizeof *e);
			if (!more) {
				free(e);
				e = NULL;
				break;
			}
			e = more;
		}
		e[n++] = (struct entry){.addr = a};
	}
	fclose(f);
	if (e) {
		qsort(e, n, sizeof *e, by_addr);
		size_t kept = 0; /* one entry an address: aliases share it */
		for (size_t k = 0; k < n; k++)
			if (kept == 0 || e[k].addr != e[kept - 1].addr)
				e[kept++] = e[k];
		*count = kept;
	}
	return e;
}

static struct entry *find(struct entry *e, size_t n, uint64_t addr)
{
	struct entry key = {.addr = addr};
	return bsearch(&key, e, n, sizeof *e, by_addr);
}

/* Replaces the byte at e->addr with int3 (arm) or puts it back. */
static int poke_byte(pid_t pid, struct entry *e, int arm)
{
	uint64_t word_at = e->addr & ~7ull;
	unsigned shift = (unsigned)(e->addr - word_at) * 8;
	errno = 0;
	long word = ptrace(PTRACE_PEEKTEXT, pid, (void *)word_at, 0);
	if (errno)
		return -1;
	uint64_t w = (uint64_t)word;
	if (arm)
		e->saved = (uint8_t)(w >> shift);
	w = (w & ~(0xffull << shift)) | ((uint64_t)(arm ? 0xcc : e->saved) << shift);
	if (ptrace(PTRACE_POKETEXT, pid, (void *)word_at, (void *)w))
		return -1;
	e->armed = arm;
	return 0;
}

static pid_t start(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	return pid;
}

/* Runs pid to its end, recording each armed entry it reaches. Returns its
 * exit status, or -1. */
static int follow(pid_t pid, struct entry *e, size_t n, FILE *out)
{
	int sig = 0, status;
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig) ||
		    waitpid(pid, &status, 0) != pid)
			return -1;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		sig = WSTOPSIG(status);
		if (sig != SIGTRAP)
			continue;
		struct user_regs_struct r;
		if (ptrace(PTRACE_GETREGS, pid, 0, &r))
			return -1;
		struct entry *hit = find(e, n, r.rip - 1);
		if (!hit || !hit->armed)
			continue;
		sig = 0;
		fprintf(out, "%llx\n", (unsigned long long)hit->addr);
		r.rip--;
		if (poke_byte(pid, hit, 0) || ptrace(PTRACE_SETREGS, pid, 0, &r))
			return -1;
	}
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--")) {
		fputs("usage: first_calls ADDRS OUT -- PROGRAM [ARGS...]\n", stderr);
		return 2;
	}
	size_t n = 0;
	struct entry *e = read_addrs(argv[1], &n);
	FILE *out = fopen(argv[2], "a");
	if (!e || !out) {
		fprintf(stderr, "first_calls: cannot read %s or write %s\n", argv[1], argv[2]);
		return 2;
	}
	pid_t pid = start(argv + 4);
	if (pid < 0) {
		fprintf(stderr, "first_calls: cannot start %s\n", argv[4]);
		return 2;
	}
	for (size_t k = 0; k < n; k++)
		if (poke_byte(pid, &e[k], 1)) {
			fprintf(stderr, "first_calls: cannot set a breakpoint at %llx\n",
				(unsigned long long)e[k].addr);
			kill(pid, SIGKILL);
			return 2;
		}
	int status = follow(pid, e, n, out);
	fclose(out);
	if (status < 0) {
		fprintf(stderr, "first_calls: lost %s: %s\n", argv[4], strerror(errno));
		return 2;
	}
	return status;
}
