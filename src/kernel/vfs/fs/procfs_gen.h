/* Inside procfs: what a generated file is about, and the generators of the
 * machine-wide files (procfs_sys.c) and the per-process ones
 * (procfs_pid.c). A generator appends the file's text to an sbuf. */
#ifndef HEXVM_KERNEL_VFS_FS_PROCFS_GEN_H
#define HEXVM_KERNEL_VFS_FS_PROCFS_GEN_H

#include <stdint.h>

#include "kernel/vfs/fs/synth.h"

struct process;
struct task;
struct vm;

#define PROC_TICK_NS   10000000ll   /* times are in USER_HZ (100 Hz) ticks */
#define PROC_MEM_TOTAL (4ull << 30) /* the machine's memory, as sysinfo(2) reports it */

struct proc_ctx {
	struct vm *vm;
	struct task *t;	   /* the reader */
	struct process *p; /* the process the file is about (NULL: the machine) */
	struct task *thread; /* under PID/task/TID/: that thread (NULL: p's leader) */
	int fd;		   /* for fdinfo/N */
};

/* Memory of a process, in bytes, as Linux counts it in stat, statm and
 * status. Every mapped page counts as resident: hexvm does not track
 * which pages the guest touched. */
struct mem_use {
	uint64_t size, rss, file, text, lib, data, stack;
};

void proc_mem_use(const struct process *p, struct mem_use *u);

void proc_cpuinfo(const struct proc_ctx *c, struct sbuf *b);
void proc_filesystems(const struct proc_ctx *c, struct sbuf *b);
void proc_loadavg(const struct proc_ctx *c, struct sbuf *b);
void proc_meminfo(const struct proc_ctx *c, struct sbuf *b);
void proc_stat(const struct proc_ctx *c, struct sbuf *b);
void proc_uptime(const struct proc_ctx *c, struct sbuf *b);
void proc_version(const struct proc_ctx *c, struct sbuf *b);
/* The mounts c->p sees under its root (/proc/PID/mounts; /proc/mounts is
 * a link to self/mounts). */
void proc_mounts(const struct proc_ctx *c, struct sbuf *b);

void pid_cmdline(const struct proc_ctx *c, struct sbuf *b);
void pid_comm(const struct proc_ctx *c, struct sbuf *b);
void pid_environ(const struct proc_ctx *c, struct sbuf *b);
void pid_fdinfo(const struct proc_ctx *c, struct sbuf *b);
void pid_maps(const struct proc_ctx *c, struct sbuf *b);
void pid_stat(const struct proc_ctx *c, struct sbuf *b);
void pid_statm(const struct proc_ctx *c, struct sbuf *b);
void pid_status(const struct proc_ctx *c, struct sbuf *b);

#endif
