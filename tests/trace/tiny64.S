/* A few instructions whose --trace lines are known exactly (tiny64.expected):
 * a counting loop, a store and a load, then exit(6). Built with -nostdlib. */
	.text
	.globl _start
_start:
	mov $3, %ecx
	xor %eax, %eax
1:	add %ecx, %eax
	dec %ecx
	jnz 1b
	lea value(%rip), %rbx
	mov %eax, (%rbx)
	movzbl (%rbx), %edi
	mov $60, %eax
	syscall

	.data
value:	.long 0
