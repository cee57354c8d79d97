/* The gdb suite's forking guest: the child exits with in_child's value,
 * the parent with one more than the child's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int in_child(int v)
{
	return v * 2;
}

int in_parent(int v)
{
	return v + 1;
}

int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		return in_child(21);
	int status;
	waitpid(pid, &status, 0);
	printf("child status %d\n", WEXITSTATUS(status));
	return in_parent(WEXITSTATUS(status));
}
