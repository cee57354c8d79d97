/* The smallest useful guest: stdio output and a normal exit. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
