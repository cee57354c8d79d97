/* Scheduling and process-attribute calls: the policy and its priority
 * range, sched_setscheduler/getparam/setparam with their errors, the
 * affinity mask, nice values (getpriority, setpriority, nice) and what fork
 * gives the child, getcpu, sched_rr_get_interval's shape, membarrier's
 * commands and registrations (kept by fork, dropped by execve),
 * personality (PER_LINUX32 makes uname say i686; kept by fork and
 * execve), and prctl's options with their argument checks, the parent-death
 * signal included. The test runs as whoever runs the suite: root may lower
 * nice values and take real-time policies, others get EACCES and EPERM on
 * both sides alike. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%-44s %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static long raw(long nr, long a, long b, long c) { return syscall(nr, a, b, c); }

static void policies(void)
{
	struct sched_param p = {0};
	int pols[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 4, 6, 9};
	for (int k = 0; k < 8; k++) {
		char what[48];
		snprintf(what, sizeof what, "priority range of policy %d: max", pols[k]);
		show(what, sched_get_priority_max(pols[k]));
		snprintf(what, sizeof what, "priority range of policy %d: min", pols[k]);
		show(what, sched_get_priority_min(pols[k]));
	}
	show("getscheduler", sched_getscheduler(0));
	show("getparam", sched_getparam(0, &p));
	printf("  priority %d\n", p.sched_priority);
	show("getparam of no such process", sched_getparam(0x7ffffff, &p));
	show("getparam of -1", raw(SYS_sched_getparam, -1, (long)&p, 0));
	show("getparam into NULL", raw(SYS_sched_getparam, 0, 0, 0));
	p.sched_priority = 5;
	show("SCHED_OTHER with priority 5", sched_setscheduler(0, SCHED_OTHER, &p));
	show("SCHED_BATCH with priority 0", sched_setscheduler(0, SCHED_BATCH, &(struct sched_param){0}));
	show("getscheduler", sched_getscheduler(0));
	show("setparam 0 keeps it", sched_setparam(0, &(struct sched_param){0}));
	show("getscheduler", sched_getscheduler(0));
	show("policy 9", sched_setscheduler(0, 9, &(struct sched_param){0}));
	show("SCHED_FIFO with priority 0", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){0}));
	show("SCHED_IDLE", sched_setscheduler(0, SCHED_IDLE, &(struct sched_param){0}));
	show("getscheduler", sched_getscheduler(0));
	show("SCHED_OTHER|RESET_ON_FORK",
	     sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &(struct sched_param){0}));
	show("getscheduler", sched_getscheduler(0));
	show("back to SCHED_OTHER", sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){0}));
	struct timespec ts = {-1, -1};
	show("rr_get_interval", sched_rr_get_interval(0, &ts));
	printf("  seconds %ld, nanoseconds in range %d\n", (long)ts.tv_sec,
	       ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
}

static void affinity(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	show("getaffinity", sched_getaffinity(0, sizeof set, &set));
	printf("  CPU 0 in the mask: %d\n", CPU_ISSET(0, &set) != 0);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	show("setaffinity to CPU 0", sched_setaffinity(0, sizeof set, &set));
	CPU_ZERO(&set);
	show("setaffinity to no CPU", sched_setaffinity(0, sizeof set, &set));
	show("setaffinity of no such process", sched_setaffinity(0x7ffffff, sizeof set, &set));
	unsigned cpu = 99, node = 99;
	show("getcpu", raw(SYS_getcpu, (long)&cpu, (long)&node, 0));
	printf("  cpu %u node %u\n", cpu, node);
}

static void priorities(void)
{
	errno = 0;
	show("getpriority (libc)", getpriority(PRIO_PROCESS, 0));
	show("getpriority (raw)", raw(SYS_getpriority, PRIO_PROCESS, 0, 0));
	show("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
	show("getpriority (raw)", raw(SYS_getpriority, PRIO_PROCESS, 0, 0));
	show("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
	show("getpriority (raw)", raw(SYS_getpriority, PRIO_PROCESS, 0, 0));
	show("which 7", setpriority(7, 0, 1));
	show("no such process", setpriority(PRIO_PROCESS, 0x7ffffff, 1));
	/* (a group or a user may hold processes outside the machine, as the
	 * runner's timeout: those are left out) */
	show("getpriority of my user", raw(SYS_getpriority, PRIO_USER, (long)getuid(), 0) > 0);
	setpriority(PRIO_PROCESS, 0, 7);
	pid_t pid = fork();
	if (pid == 0)
		_exit((int)raw(SYS_getpriority, PRIO_PROCESS, 0, 0));
	int status;
	waitpid(pid, &status, 0);
	printf("fork's child starts with 20 - nice = %d\n", WEXITSTATUS(status));
	int before = (int)raw(SYS_getpriority, PRIO_PROCESS, 0, 0);
	int rc = setpriority(PRIO_PROCESS, 0, 0);
	printf("lowering the nice value: as root %s, refused as others %s\n",
	       getuid() == 0 ? (rc == 0 ? "allowed" : "REFUSED") : "-",
	       getuid() != 0 ? (rc < 0 && errno == EACCES ? "yes" : "NO") : "-");
	(void)before;
}

static void membarriers(int argc)
{
	if (argc > 1) {
		show("after execve: registrations", raw(SYS_membarrier, 512, 0, 0));
		return;
	}
	show("membarrier query", raw(SYS_membarrier, 0, 0, 0));
	show("membarrier global", raw(SYS_membarrier, 1, 0, 0));
	show("private expedited, unregistered", raw(SYS_membarrier, 8, 0, 0));
	show("register private expedited", raw(SYS_membarrier, 16, 0, 0));
	show("private expedited", raw(SYS_membarrier, 8, 0, 0));
	show("with flags 1", raw(SYS_membarrier, 8, 1, 0));
	show("command 3", raw(SYS_membarrier, 3, 0, 0));
	show("registrations", raw(SYS_membarrier, 512, 0, 0));
	pid_t pid = fork();
	if (pid == 0)
		_exit((int)raw(SYS_membarrier, 512, 0, 0));
	int status;
	waitpid(pid, &status, 0);
	printf("fork's child registrations: %d\n", WEXITSTATUS(status));
}

static void personalities(int argc)
{
	struct utsname u;
	if (argc > 1) {
		uname(&u);
		printf("after execve: personality %#lx, machine %s\n",
		       (unsigned long)personality(0xffffffff), u.machine);
		return;
	}
	show("personality query", personality(0xffffffff));
	show("PER_LINUX32 (the old one)", personality(PER_LINUX32));
	uname(&u);
	printf("  machine %s\n", u.machine);
	show("0x1234 (the old one)", personality(0x1234));
	show("query", personality(0xffffffff));
	personality(PER_LINUX32 | ADDR_NO_RANDOMIZE);
}

static void prctls(void)
{
	int v = -1;
	char name[16] = {0};
	show("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
	show("PR_SET_TIMERSLACK 1000", prctl(PR_SET_TIMERSLACK, 1000));
	show("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
	show("PR_SET_TIMERSLACK 0", prctl(PR_SET_TIMERSLACK, 0));
	show("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK));
	show("PR_CAPBSET_READ 0", prctl(PR_CAPBSET_READ, 0));
	show("PR_CAPBSET_READ 9999", prctl(PR_CAPBSET_READ, 9999));
	show("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP));
	show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	show("PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	show("PR_SET_NO_NEW_PRIVS 1, 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
	show("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	show("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
	show("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2));
	show("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1));
	show("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS));
	show("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	show("PR_SET_THP_DISABLE 1", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	show("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	show("PR_GET_THP_DISABLE with an argument", prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0));
	show("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2));
	show("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
	show("PR_SET_NAME", prctl(PR_SET_NAME, "a-long-thread-name-cut"));
	show("PR_GET_NAME", prctl(PR_GET_NAME, name));
	printf("  name %s\n", name);
	show("option 12345", prctl(12345));
	show("PR_SET_PDEATHSIG 99", prctl(PR_SET_PDEATHSIG, 99));
	show("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v));
	printf("  signal %d\n", v);
}

/* A grandchild asks for SIGUSR1 when its parent (the middle process)
 * ends; it waits for it in sigwaitinfo and reports through a pipe. */
static void death_signal(void)
{
	int p[2];
	pipe(p);
	pid_t middle = fork();
	if (middle == 0) {
		int ready[2];
		pipe(ready);
		if (fork() == 0) {
			sigset_t set;
			siginfo_t si;
			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, NULL);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			int v = 0;
			prctl(PR_GET_PDEATHSIG, &v);
			write(ready[1], "r", 1);
			int sig = sigwaitinfo(&set, &si);
			char line[80];
			int n = snprintf(line, sizeof line,
					 "grandchild: asked for %d, got %d with code %d\n", v, sig,
					 si.si_code);
			write(p[1], line, (size_t)n);
			_exit(0);
		}
		char c;
		read(ready[0], &c, 1);
		_exit(0);
	}
	close(p[1]);
	waitpid(middle, NULL, 0);
	char buf[100] = {0};
	read(p[0], buf, sizeof buf - 1);
	printf("%s", buf);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1) {
		membarriers(argc);
		personalities(argc);
		return 0;
	}
	policies();
	affinity();
	priorities();
	membarriers(argc);
	prctls();
	death_signal();
	personalities(argc);
	execl(argv[0], argv[0], "again", (char *)NULL);
	return 1;
}
