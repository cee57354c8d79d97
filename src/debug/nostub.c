/* Stands in for the gdb stub in a hexvm built with `make GDB_STUB=0`, which
 * bench/stub_cost.sh compares with the full build: --gdb is refused, and the
 * kernel's hooks are compiled away (GDB_ATTACHED in debug/gdb.h). */
#include <stdio.h>

#include "debug/gdb.h"

int gdb_open(struct vm *vm, const struct gdb_options *opt, char *msg, size_t msgsize)
{
	snprintf(msg, msgsize, "--gdb: this hexvm was built without the gdb stub (GDB_STUB=0)");
	return -1;
}

void gdb_close(struct vm *vm) {}
