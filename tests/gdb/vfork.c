/* The gdb suite's vfork guest: the child runs this program again with an
 * argument, which exits with 9; the parent exits with one more than the
 * child's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int in_parent(int v)
{
	return v + 1;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return 9;
	pid_t pid = vfork();
	if (pid == 0) {
		execl(argv[0], argv[0], "child", (char *)0);
		_exit(1);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child status %d\n", WEXITSTATUS(status));
	return in_parent(WEXITSTATUS(status));
}
