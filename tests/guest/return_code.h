/* Machine code the code_alias tests write and run: `mov eax, imm32; ret`,
 * the same bytes in both modes, so a run of it tells which bytes ran. */
#ifndef HEXVM_TESTS_GUEST_RETURN_CODE_H
#define HEXVM_TESTS_GUEST_RETURN_CODE_H

#include <string.h>

typedef int (*fn)(void);

#define RETURN_CODE_LEN 6

static void put_code(unsigned char *at, int value)
{
	unsigned char code[RETURN_CODE_LEN] = {0xb8, 0, 0, 0, 0, 0xc3};
	memcpy(code + 1, &value, 4);
	memcpy(at, code, sizeof code);
}

#endif
