/* The gdb suite's attach guest: the child spins until gdb, attached to it,
 * sets `go`, then exits with 42; the parent exits with one more than the
 * child's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int go;

int child_work(void)
{
	while (!go)
		;
	return 42;
}

void parent_forked(int pid)
{
	(void)pid;
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		return child_work();
	parent_forked(pid);
	int status;
	waitpid(pid, &status, 0);
	printf("child status %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status) + 1;
}
