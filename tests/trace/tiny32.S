/* The i386 twin of tiny64.S: the same loop, then exit(6) by int $0x80. */
	.text
	.globl _start
_start:
	mov $3, %ecx
	xor %eax, %eax
1:	add %ecx, %eax
	dec %ecx
	jnz 1b
	mov $value, %ebx
	mov %eax, (%ebx)
	movzbl (%ebx), %ebx
	mov $1, %eax
	int $0x80

	.data
value:	.long 0
