/* crash null|ud2|avx: dies by the instruction asked for, at a symbol of its
 * own (crash_null, crash_ud2, crash_avx), with ebx = 0x12345678, so that
 * tests/trace/run.sh can check the fault report's address, bytes,
 * registers, last branch and memory map. */
#include <stdio.h>
#include <string.h>

void crash_null(void);
void crash_ud2(void);
void crash_avx(void);

__asm__(".text\n"
	".globl crash_null\n"
	"crash_null:\n"
	"	mov $0x12345678, %ebx\n"
	"	movl $42, 0\n"
	"	ret\n"
	".globl crash_ud2\n"
	"crash_ud2:\n"
	"	mov $0x12345678, %ebx\n"
	"	ud2\n"
	".globl crash_avx\n"
	"crash_avx:\n"
	"	mov $0x12345678, %ebx\n"
	"	.byte 0xc5, 0xfd, 0xfe, 0xc1 /* vpaddd %ymm1, %ymm0, %ymm0: no AVX in hexvm */\n"
	"	ret\n");

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "null";
	printf("crashing: %s\n", how);
	fflush(stdout);
	if (!strcmp(how, "ud2"))
		crash_ud2();
	else if (!strcmp(how, "avx"))
		crash_avx();
	else
		crash_null();
	return 0;
}
