/* What hexvm tells when an instruction kills a guest process: where and
 * what it was, the registers, how execution got there (the last taken
 * branches), and the memory map. */
#ifndef HEXVM_TRACE_FAULT_REPORT_H
#define HEXVM_TRACE_FAULT_REPORT_H

#include "kernel/vm.h"

/* Written to the log (stderr, or --log FILE) after the one-line summary
 * signal.c writes to stderr. */
void fault_report(struct task *t, const struct siginfo_k *info);

#endif
