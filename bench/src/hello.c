/* hello: the smallest static program, for start-up time.
 *
 * What it measures is everything but computation: execve, the ELF loader,
 * libc's start-up (TLS setup, IRELATIVE relocations, auxv parsing), one
 * write, exit_group — the fixed cost paid by every short-lived process (think
 * of a build running thousands of compiler and shell invocations). */
#include <stdio.h>

int main(void)
{
    puts("hello, world");
    return 0;
}
