/* prctl: the options programs use, with Linux's argument checks. Those
 * about privileges answer as for a process holding the full bounding set
 * and no seccomp filter; flags are kept for the guest to read back. */
#include <errno.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "mem/uaccess.h"

#define PR_SET_PDEATHSIG       1
#define PR_GET_PDEATHSIG       2
#define PR_GET_DUMPABLE	       3
#define PR_SET_DUMPABLE	       4
#define PR_GET_KEEPCAPS	       7
#define PR_SET_KEEPCAPS	       8
#define PR_SET_NAME	       15
#define PR_GET_NAME	       16
#define PR_GET_SECCOMP	       21
#define PR_CAPBSET_READ	       23
#define PR_SET_TIMERSLACK      29
#define PR_GET_TIMERSLACK      30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS    38
#define PR_GET_NO_NEW_PRIVS    39
#define PR_GET_TID_ADDRESS     40
#define PR_SET_THP_DISABLE     41
#define PR_GET_THP_DISABLE     42
#define CAP_LAST_CAP	       40
#define TIMER_SLACK_DEFAULT    50000 /* ns */

static int64_t put_int(struct task *t, uint64_t addr, int v)
{
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)v);
	return copy_to_user(t->proc->mm, addr, raw, 4);
}

static int64_t set_name(struct task *t, uint64_t addr)
{
	char name[16] = {0}; /* zero-padded, as Linux keeps it: PR_GET_NAME gives all 16 */
	long n = strncpy_from_user(t->proc->mm, name, addr, sizeof name);
	if (n == -EFAULT)
		return -EFAULT;
	name[15] = 0;
	memcpy(t->comm, name, sizeof name);
	return 0;
}

/* Options that set or read a flag of 0 or 1, each with the arguments
 * Linux wants zero. */
static int64_t flag_option(struct task *t, const uint64_t *a, int *handled)
{
	struct process *p = t->proc;
	*handled = 1;
	switch ((int)a[0]) {
	case PR_GET_KEEPCAPS: return p->keepcaps;
	case PR_SET_KEEPCAPS: return a[1] > 1 ? -EINVAL : (p->keepcaps = (int)a[1], 0);
	case PR_SET_NO_NEW_PRIVS:
		if (a[1] != 1 || a[2] || a[3] || a[4])
			return -EINVAL;
		p->no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS: return a[1] || a[2] || a[3] || a[4] ? -EINVAL : p->no_new_privs;
	case PR_SET_THP_DISABLE:
		if (a[2] || a[3] || a[4])
			return -EINVAL;
		p->thp_disable = a[1] != 0;
		return 0;
	case PR_GET_THP_DISABLE: return a[1] || a[2] || a[3] || a[4] ? -EINVAL : p->thp_disable;
	case PR_SET_CHILD_SUBREAPER: p->subreaper = a[1] != 0; return 0;
	case PR_GET_CHILD_SUBREAPER: return put_int(t, a[1], p->subreaper);
	case PR_GET_DUMPABLE: return 1;
	case PR_SET_DUMPABLE: return a[1] <= 1 ? 0 : -EINVAL;
	default: *handled = 0; return -EINVAL;
	}
}

int64_t sys_prctl(struct task *t, const uint64_t *a)
{
	int handled;
	int64_t rc = flag_option(t, a, &handled);
	if (handled)
		return rc;
	switch ((int)a[0]) {
	case PR_SET_NAME: return set_name(t, a[1]);
	case PR_GET_NAME: return copy_to_user(t->proc->mm, a[1], t->comm, 16);
	case PR_SET_PDEATHSIG:
		if (a[1] > NSIG_LINUX)
			return -EINVAL;
		t->pdeath_signal = (int)a[1];
		return 0;
	case PR_GET_PDEATHSIG: return put_int(t, a[1], t->pdeath_signal);
	case PR_GET_SECCOMP: return 0;
	case PR_CAPBSET_READ: return a[1] <= CAP_LAST_CAP ? 1 : -EINVAL;
	case PR_SET_TIMERSLACK: t->timer_slack_ns = a[1]; return 0; /* 0: the default again */
	case PR_GET_TIMERSLACK:
		return t->timer_slack_ns ? (int64_t)t->timer_slack_ns : TIMER_SLACK_DEFAULT;
	case PR_GET_TID_ADDRESS: {
		uint8_t raw[8];
		put_long(raw, 0, t->clear_child_tid, sys_is64(t));
		return copy_to_user(t->proc->mm, a[1], raw, sys_is64(t) ? 8 : 4);
	}
	default: return -EINVAL;
	}
}
