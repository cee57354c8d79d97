/* fork: what fork costs a process with a large memory.
 *
 * usage: fork [MIB [CHILDREN]]   (default 256 MiB, 100 children)
 *
 * The parent touches MIB MiB with non-zero words, then forks CHILDREN
 * children one after another: each writes one page of the region, checks a
 * word of another one and exits with a status made of what it read; the
 * parent waits for each before forking the next, then rewrites one word a
 * page itself. A fork that copies the memory eagerly pays for all of it
 * every time; one that copies on demand pays for a page or two. The
 * checksum covers what the children saw and what the parent kept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_WORDS 512 /* 4 KiB of 8-byte words */

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 256;
    int children = argc > 2 ? atoi(argv[2]) : 100;
    size_t words = mib << 17, pages = words / PAGE_WORDS;
    uint64_t *mem = malloc(words * sizeof *mem);
    if (!mem || !pages)
        return 1;
    for (size_t k = 0; k < words; k++)
        mem[k] = k * 0x9e3779b97f4a7c15ull + 1;
    uint64_t sum = 0;
    for (int c = 0; c < children; c++) {
        size_t mine = (size_t)c * 7919 % pages, other = (size_t)c * 104729 % pages;
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            mem[mine * PAGE_WORDS] = (uint64_t)c;
            _exit((int)(mem[other * PAGE_WORDS + 1] % 251));
        }
        int st = 0;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
            return 3;
        sum = sum * 31 + (uint64_t)WEXITSTATUS(st);
    }
    for (size_t p = 0; p < pages; p++)
        mem[p * PAGE_WORDS] ^= p;
    for (size_t k = 0; k < words; k += 4099)
        sum = sum * 31 + mem[k];
    printf("forked %d children of a %zu MiB process, checksum %016llx\n", children, mib,
           (unsigned long long)sum);
    return 0;
}
