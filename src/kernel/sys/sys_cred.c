/* Credentials: real, effective and saved user and group ids and the
 * supplementary groups, with Linux's rules for who may change what (an
 * effective uid 0 may do anything). Files on hostfs are still reached with
 * hexvm's own host identity; the ids rule the machine's own checks (kill,
 * memfs, procfs). */
#include <errno.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "mem/uaccess.h"

#define KEEP 0xffffffffu /* -1: leave this id as it is */

int64_t sys_getuid(struct task *t, const uint64_t *a) { return t->proc->ruid; }
int64_t sys_geteuid(struct task *t, const uint64_t *a) { return t->proc->uid; }
int64_t sys_getgid(struct task *t, const uint64_t *a) { return t->proc->rgid; }
int64_t sys_getegid(struct task *t, const uint64_t *a) { return t->proc->gid; }

static int64_t put_ids(struct task *t, const uint64_t *a, uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t ids[3] = {r, e, s};
	uint8_t raw[4];
	for (int k = 0; k < 3; k++) {
		put32(raw, 0, ids[k]);
		if (copy_to_user(t->proc->mm, a[k], raw, 4))
			return -EFAULT;
	}
	return 0;
}

int64_t sys_getresuid(struct task *t, const uint64_t *a)
{
	struct process *p = t->proc;
	return put_ids(t, a, p->ruid, p->uid, p->suid);
}

int64_t sys_getresgid(struct task *t, const uint64_t *a)
{
	struct process *p = t->proc;
	return put_ids(t, a, p->rgid, p->gid, p->sgid);
}

/* An unprivileged caller may only take ids it already has as real,
 * effective or saved. */
static int may_take(const uint32_t have[3], uint32_t id, int privileged)
{
	return id == KEEP || privileged || id == have[0] || id == have[1] || id == have[2];
}

static int64_t set_res(struct task *t, uint32_t *ids[3], uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t have[3] = {*ids[0], *ids[1], *ids[2]}, want[3] = {r, e, s};
	int privileged = t->proc->uid == 0;
	for (int k = 0; k < 3; k++)
		if (!may_take(have, want[k], privileged))
			return -EPERM;
	for (int k = 0; k < 3; k++)
		if (want[k] != KEEP)
			*ids[k] = want[k];
	return 0;
}

static uint32_t **uids(struct process *p, uint32_t *slots[3])
{
	slots[0] = &p->ruid, slots[1] = &p->uid, slots[2] = &p->suid;
	return slots;
}

static uint32_t **gids(struct process *p, uint32_t *slots[3])
{
	slots[0] = &p->rgid, slots[1] = &p->gid, slots[2] = &p->sgid;
	return slots;
}

int64_t sys_setresuid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_res(t, uids(t->proc, s), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

int64_t sys_setresgid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_res(t, gids(t->proc, s), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

/* setreuid: a new real id, or an effective one other than the old real id,
 * also becomes the saved id. */
static int64_t set_re(struct task *t, uint32_t *ids[3], uint32_t r, uint32_t e)
{
	uint32_t old_real = *ids[0];
	uint32_t saved = (r != KEEP || (e != KEEP && e != old_real)) ? (e != KEEP ? e : *ids[1]) : KEEP;
	if (t->proc->uid != 0 && r != KEEP && r != *ids[0] && r != *ids[1])
		return -EPERM;
	if (t->proc->uid != 0 && e != KEEP && e != *ids[0] && e != *ids[1] && e != *ids[2])
		return -EPERM;
	return set_res(t, ids, r, e, saved);
}

int64_t sys_setreuid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_re(t, uids(t->proc, s), (uint32_t)a[0], (uint32_t)a[1]);
}

int64_t sys_setregid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_re(t, gids(t->proc, s), (uint32_t)a[0], (uint32_t)a[1]);
}

/* setuid: privileged, all three ids; else only the effective one, to the
 * real or saved id. */
static int64_t set_one(struct task *t, uint32_t *ids[3], uint32_t id)
{
	if (id == KEEP)
		return -EINVAL;
	if (t->proc->uid == 0) {
		*ids[0] = *ids[1] = *ids[2] = id;
		return 0;
	}
	if (id != *ids[0] && id != *ids[2])
		return -EPERM;
	*ids[1] = id;
	return 0;
}

int64_t sys_setuid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_one(t, uids(t->proc, s), (uint32_t)a[0]);
}

int64_t sys_setgid(struct task *t, const uint64_t *a)
{
	uint32_t *s[3];
	return set_one(t, gids(t->proc, s), (uint32_t)a[0]);
}

int64_t sys_getgroups(struct task *t, const uint64_t *a)
{
	struct process *p = t->proc;
	int size = (int)a[0];
	uint8_t raw[4];
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return p->ngroups;
	if (size < p->ngroups)
		return -EINVAL;
	for (int k = 0; k < p->ngroups; k++) {
		put32(raw, 0, p->groups[k]);
		if (copy_to_user(p->mm, a[1] + 4 * (uint64_t)k, raw, 4))
			return -EFAULT;
	}
	return p->ngroups;
}

int64_t sys_setgroups(struct task *t, const uint64_t *a)
{
	struct process *p = t->proc;
	int n = (int)a[0];
	uint32_t groups[32];
	uint8_t raw[4];
	if (p->uid != 0)
		return -EPERM;
	if (n < 0 || n > 32)
		return -EINVAL;
	for (int k = 0; k < n; k++) {
		if (copy_from_user(p->mm, raw, a[1] + 4 * (uint64_t)k, 4))
			return -EFAULT;
		groups[k] = get32(raw, 0);
	}
	for (int k = 0; k < n; k++)
		p->groups[k] = groups[k];
	p->ngroups = n;
	return 0;
}
