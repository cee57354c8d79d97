/* The gdb suite's system call guest: one write whose arguments and result
 * gdb sees at a catchpoint, then exit_group with the status 5. */
#include <unistd.h>

int main(void)
{
	static const char msg[] = "hello\n";
	long n = write(1, msg, sizeof msg - 1); /* line:write */
	return n == 6 ? 5 : 1;
}
