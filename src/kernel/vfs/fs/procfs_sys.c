/* procfs: the machine-wide files. Everything comes from the virtual
 * clocks, the process table and the mount table, so the same run reads
 * the same text. The CPU is one core running at 1 GHz (one instruction a
 * nanosecond), described by the same CPUID leaves the guest can query. */
#include <string.h>

#include "cpu/cpuid.h"
#include "kernel/vfs/fs/procfs_gen.h"
#include "kernel/vm.h"

/* The reader's CPU, whose count of instructions is the clocks'. */
static const struct cpu *reader_cpu(const struct proc_ctx *c) { return c->t ? &c->t->cpu : NULL; }

/* Instructions retired by the whole machine: the reader's CPU counts its
 * current slice on top of vm->icount. */
static uint64_t machine_insns(const struct proc_ctx *c)
{
	return c->t ? c->t->cpu.icount : c->vm->icount;
}

static void put_seconds(struct sbuf *b, int64_t ns, const char *end)
{
	sbuf_printf(b, "%lld.%02lld%s", (long long)(ns / 1000000000),
		    (long long)(ns / PROC_TICK_NS % 100), end);
}

/* The largest cache of CPUID leaf 4, in KiB, as Linux shows Intel's. */
static unsigned last_cache_kb(void)
{
	unsigned kb = 0;
	for (uint32_t k = 0; k < 8; k++) {
		struct cpuid_regs r = cpuid_query(4, k);
		if (!(r.eax & 0x1f))
			break;
		unsigned ways = (r.ebx >> 22) + 1, parts = ((r.ebx >> 12) & 0x3ff) + 1;
		kb = ways * parts * ((r.ebx & 0xfff) + 1) * (r.ecx + 1) / 1024;
	}
	return kb;
}

void proc_cpuinfo(const struct proc_ctx *c, struct sbuf *b)
{
	struct cpuid_regs l0 = cpuid_query(0, 0), l1 = cpuid_query(1, 0);
	struct cpuid_regs sizes = cpuid_query(0x80000008u, 0);
	char vendor[13], brand[49];
	memcpy(vendor, &l0.ebx, 4);
	memcpy(vendor + 4, &l0.edx, 4);
	memcpy(vendor + 8, &l0.ecx, 4);
	vendor[12] = 0;
	for (uint32_t k = 0; k < 3; k++) {
		struct cpuid_regs r = cpuid_query(0x80000002u + k, 0);
		memcpy(brand + 16 * k, &r, 16);
	}
	brand[48] = 0;
	unsigned family = (l1.eax >> 8) & 0xf, model = (l1.eax >> 4) & 0xf;
	if (family == 0xf)
		family += (l1.eax >> 20) & 0xff;
	if (family >= 6)
		model |= ((l1.eax >> 16) & 0xf) << 4;
	int mode64 = c->t ? c->t->proc->mode64 : 1;
	sbuf_printf(b,
		    "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		    "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: 1000.000\n"
		    "cache size\t: %u KB\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
		    "cpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\n"
		    "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t: %s\n"
		    "bogomips\t: 2000.00\nclflush size\t: %u\ncache_alignment\t: %u\n"
		    "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
		    vendor, family, model, brand, l1.eax & 0xf, last_cache_kb(), l0.eax,
		    cpuid_flag_names(mode64), (l1.ebx >> 8 & 0xff) * 8, (l1.ebx >> 8 & 0xff) * 8,
		    sizes.eax & 0xff, sizes.eax >> 8 & 0xff);
}

void proc_filesystems(const struct proc_ctx *c, struct sbuf *b)
{
	sbuf_printf(b, "nodev\tproc\nnodev\tdevtmpfs\nnodev\tmemfs\nnodev\thostfs\n");
}

void proc_loadavg(const struct proc_ctx *c, struct sbuf *b)
{
	int running = 0, total = 0;
	for (const struct task *t = c->vm->tasks; t; t = t->next) {
		total++;
		running += t->state == TASK_RUNNABLE;
	}
	sbuf_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, total, c->vm->next_pid - 1);
}

/* Whether an earlier process shares p's address space (vfork). */
static int mm_counted(const struct vm *vm, const struct process *p)
{
	for (const struct process *q = vm->procs; q != p; q = q->next)
		if (q->mm == p->mm)
			return 1;
	return 0;
}

void proc_meminfo(const struct proc_ctx *c, struct sbuf *b)
{
	uint64_t used = 0;
	for (const struct process *p = c->vm->procs; p; p = p->next) {
		struct mem_use u;
		proc_mem_use(p, &u);
		used += p->mm && !mm_counted(c->vm, p) ? u.rss : 0;
	}
	uint64_t total = PROC_MEM_TOTAL, avail = used < total ? total - used : 0;
	const struct {
		const char *name;
		uint64_t bytes;
	} rows[] = {
		{"MemTotal:", total},
		{"MemFree:", avail},
		{"MemAvailable:", avail},
		{"Buffers:", 0},
		{"Cached:", 0},
		{"SwapCached:", 0},
		{"Active:", used},
		{"Inactive:", 0},
		{"SwapTotal:", 0},
		{"SwapFree:", 0},
		{"Dirty:", 0},
		{"Writeback:", 0},
		{"AnonPages:", used},
		{"Mapped:", 0},
		{"Shmem:", 0},
		{"Slab:", 0},
		{"SReclaimable:", 0},
		{"SUnreclaim:", 0},
		{"KernelStack:", 0},
		{"PageTables:", 0},
		{"CommitLimit:", total},
		{"Committed_AS:", used},
		{"VmallocTotal:", 0},
		{"VmallocUsed:", 0},
		{"VmallocChunk:", 0},
		{"Hugepagesize:", 2048 << 10},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
		sbuf_printf(b, "%-16s%8llu kB\n", rows[k].name,
			    (unsigned long long)rows[k].bytes >> 10);
}

/* The cpu lines count the machine's instructions as user time and the
 * rest of its uptime (sleeps skipped over) as idle. */
void proc_stat(const struct proc_ctx *c, struct sbuf *b)
{
	int64_t up = vm_monotonic_ns(c->vm, reader_cpu(c));
	uint64_t user = machine_insns(c) / PROC_TICK_NS;
	uint64_t idle = (uint64_t)up / PROC_TICK_NS > user ? (uint64_t)up / PROC_TICK_NS - user : 0;
	int running = 0;
	for (const struct task *t = c->vm->tasks; t; t = t->next)
		running += t->state == TASK_RUNNABLE;
	for (int k = 0; k < 2; k++)
		sbuf_printf(b, "%s %llu 0 0 %llu 0 0 0 0 0 0\n", k ? "cpu0" : "cpu ",
			    (unsigned long long)user, (unsigned long long)idle);
	sbuf_printf(b,
		    "intr 0\nctxt 0\nbtime %lld\nprocesses %d\nprocs_running %d\n"
		    "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		    (long long)(synth_boot_ns(c->vm, c->t) / 1000000000), c->vm->next_pid - 2,
		    running);
}

void proc_uptime(const struct proc_ctx *c, struct sbuf *b)
{
	int64_t up = vm_monotonic_ns(c->vm, reader_cpu(c)), busy = (int64_t)machine_insns(c);
	put_seconds(b, up, " ");
	put_seconds(b, up > busy ? up - busy : 0, "\n");
}

/* The same release and version as uname(2) gives. */
void proc_version(const struct proc_ctx *c, struct sbuf *b)
{
	sbuf_printf(b, "Linux version 6.1.0-hexvm (hexvm@hexvm) (hexvm) "
		       "#1 SMP PREEMPT_DYNAMIC hexvm\n");
}

/* Linux's escapes for the characters that would break a mounts line. */
static void put_field(struct sbuf *b, const char *s, const char *end)
{
	for (; *s; s++)
		if (strchr(" \t\n\\", *s))
			sbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			sbuf_add(b, s, 1);
	sbuf_printf(b, "%s", end);
}

static const char *mount_options(const char *type)
{
	if (!strcmp(type, "proc"))
		return "rw,nosuid,nodev,noexec,relatime";
	if (!strcmp(type, "devtmpfs"))
		return "rw,nosuid,relatime,mode=755";
	if (!strcmp(type, "tmpfs")) /* /dev/shm */
		return "rw,nosuid,nodev,inode64";
	return "rw,relatime";
}

void proc_mounts(const struct proc_ctx *c, struct sbuf *b)
{
	const char *root = c->p->root ? c->p->root : "/";
	size_t n = strcmp(root, "/") ? strlen(root) : 0;
	for (const struct mount *m = c->vm->mounts; m; m = m->next) {
		const char *path = m->path;
		if (n && (strncmp(path, root, n) || (path[n] && path[n] != '/')))
			continue; /* outside the process root */
		put_field(b, m->source, " ");
		put_field(b, path[n] ? path + n : "/", " ");
		put_field(b, m->fs->type, " ");
		sbuf_printf(b, "%s 0 0\n", mount_options(m->fs->type));
	}
}
