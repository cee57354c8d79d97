/* /proc/PID/task/TID/ files describe that thread: its name, its id in
 * status's Pid and stat's first field, its own pending and blocked
 * signals; /proc/PID/ ones describe the leader. A second thread names
 * itself and blocks SIGUSR1 and SIGUSR2 (the leader blocks SIGUSR2 only),
 * and gets SIGUSR1 sent to it alone while SIGUSR2, sent to the process,
 * waits in the shared set; the
 * leader then reads both threads' files. Ids are printed relative to the
 * ones gettid gave. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t ready, done;
static pid_t worker_tid;

static void *worker(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_NAME, "worker-one");
	worker_tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&done);
	int sig;
	sigwait(&set, &sig);
	sigwait(&set, &sig);
	return NULL;
}

static void field(const char *path, const char *key, char *out, size_t size)
{
	char line[256];
	FILE *f = fopen(path, "r");
	snprintf(out, size, "(missing)");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
			char *v = line + strlen(key) + 1;
			v += strspn(v, "\t ");
			v[strcspn(v, "\n")] = 0;
			snprintf(out, size, "%s", v);
		}
	if (f)
		fclose(f);
}

static const char *id_name(long id, pid_t pid)
{
	return id == pid ? "pid" : id == worker_tid ? "worker tid" : "other";
}

static void show_status(const char *label, const char *path, pid_t pid)
{
	char name[64], id[64], tgid[64], pnd[64], shd[64], blk[64];
	field(path, "Name", name, sizeof name);
	field(path, "Pid", id, sizeof id);
	field(path, "Tgid", tgid, sizeof tgid);
	field(path, "SigPnd", pnd, sizeof pnd);
	field(path, "ShdPnd", shd, sizeof shd);
	field(path, "SigBlk", blk, sizeof blk);
	printf("%s status: Name %s, Pid is the %s, Tgid is the %s, SigPnd %s, ShdPnd %s, SigBlk %s\n",
	       label, name, id_name(atol(id), pid), id_name(atol(tgid), pid), pnd, shd, blk);
}

static void show_stat_and_comm(const char *label, const char *dir, pid_t pid)
{
	char path[128], comm[64] = "", line[512] = "";
	snprintf(path, sizeof path, "%s/stat", dir);
	FILE *f = fopen(path, "r");
	if (f && fgets(line, sizeof line, f)) {
		long id = atol(line);
		char *name = strchr(line, '('), *end = strrchr(line, ')');
		if (name && end)
			*end = 0;
		printf("%s stat: first field is the %s, name %s\n", label, id_name(id, pid),
		       name ? name + 1 : "?");
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s/comm", dir);
	f = fopen(path, "r");
	if (f && fgets(comm, sizeof comm, f))
		comm[strcspn(comm, "\n")] = 0;
	if (f)
		fclose(f);
	printf("%s comm: %s\n", label, comm);
}

int main(void)
{
	pthread_t th;
	pid_t pid = getpid();
	char dir[128], path[160];
	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_NAME, "leader");
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	pthread_barrier_init(&ready, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&th, NULL, worker, NULL);
	pthread_barrier_wait(&ready);
	syscall(SYS_tgkill, pid, worker_tid, SIGUSR1);
	kill(pid, SIGUSR2);

	show_status("process", "/proc/self/status", pid);
	snprintf(dir, sizeof dir, "/proc/%d/task/%d", (int)pid, (int)pid);
	snprintf(path, sizeof path, "%s/status", dir);
	show_status("leader task", path, pid);
	snprintf(dir, sizeof dir, "/proc/%d/task/%d", (int)pid, (int)worker_tid);
	snprintf(path, sizeof path, "%s/status", dir);
	show_status("worker task", path, pid);
	show_stat_and_comm("process", "/proc/self", pid);
	show_stat_and_comm("worker task", dir, pid);

	pthread_barrier_wait(&done);
	pthread_join(th, NULL);
	return 0;
}
