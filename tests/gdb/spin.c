/* The gdb suite's busy guest: runs until gdb interrupts and kills it. */
volatile unsigned long spins;

int main(void)
{
	for (;;)
		spins++;
}
