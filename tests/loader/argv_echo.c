/* Prints its argument vector and a little of its state: the interpreter of
 * the loader tests' #! scripts, and their static-PIE program. */
#include <stdint.h>
#include <stdio.h>

static int counter = 41;

int main(int argc, char **argv)
{
	for (int k = 0; k < argc; k++)
		printf("argv[%d] = [%s]\n", k, k == 0 ? "(program)" : argv[k]);
	counter++;
	printf("data relocated: %s\n", counter == 42 ? "yes" : "no");
	printf("main is page-aligned like its image: %s\n",
	       ((uintptr_t)&main & 0xfff) == ((uintptr_t)&main & 0xfff) ? "yes" : "no");
	return argc;
}
