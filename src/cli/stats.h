/* -Z: what the machine did, printed at exit. */
#ifndef HEXVM_CLI_STATS_H
#define HEXVM_CLI_STATS_H

struct vm;
struct process;

void stats_print(const struct vm *vm);

#endif
