/* The gdb suite's exec guest: it runs itself again with an argument; the
 * new image says so and exits with 7. */
#include <stdio.h>
#include <unistd.h>

int after_exec(const char *arg)
{
	printf("after exec: %s\n", arg);
	return 7; /* line:after_exec */
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return after_exec(argv[1]);
	execl(argv[0], argv[0], "again", (char *)0);
	return 1;
}
