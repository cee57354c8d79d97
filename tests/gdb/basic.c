/* The guest of the gdb suite's single-threaded cases. Lines the suite
 * looks for carry a marker comment ("line:NAME"); keep the markers when
 * editing. What it prints shows what the debugger changed. */
#include <stdio.h>

int counter;
unsigned char bytes[4] = {0xde, 0xad, 0xbe, 0xef};
char message[16] = "hello gdb";

int add(int a, int b)
{
	return a + b; /* line:add */
}

static void bump(int by)
{
	counter += by; /* line:bump */
} /* line:after_bump */

int main(void)
{
	int sum = add(1, 2); /* line:first_call */
	bump(sum);	     /* line:bump_call */
	bump(4);
	printf("sum=%d counter=%d bytes0=%#x message=%s\n", sum, counter, bytes[0], message);
	return sum + counter; /* line:return */
}
