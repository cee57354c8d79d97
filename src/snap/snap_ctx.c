/* Error recording and id tables shared by every section's code. */
#include "snap/snap_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/vm.h"

/* The first reason only: later ones follow from it. */
static void record(int *failed, char *msg, size_t size, const char *fmt, va_list ap)
{
	if (!*failed)
		vsnprintf(msg, size, fmt, ap);
	*failed = 1;
}

void snap_save_fail(struct snap_save *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(&s->failed, s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
}

int snap_emit(struct snap_save *s, const char *tag, struct snap_buf *b)
{
	if (!s->failed && snapw_section(s->w, tag, b))
		snap_save_fail(s, "%s", s->w->msg);
	b->len = 0;
	return s->failed ? -1 : 0;
}

int vec_push(struct snap_vec *v, void *p)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void **nv = realloc(v->v, cap * sizeof *nv);
		if (!nv)
			return -1;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
	return 0;
}

void *vec_at(const struct snap_vec *v, uint64_t id, struct snap_rd *r)
{
	if (!id)
		return NULL;
	if (id > v->n) {
		sr_fail(r, "a reference names an object that is not in the snapshot");
		return NULL;
	}
	return v->v[id - 1];
}

void vec_free(struct snap_vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

struct task *snap_root_task(struct vm *vm)
{
	struct process *p = calloc(1, sizeof *p);
	struct task *t = calloc(1, sizeof *t);
	if (!p || !t) {
		free(p);
		free(t);
		return NULL;
	}
	p->root = "/";
	p->cwd = "/";
	t->proc = p;
	t->vm = vm;
	return t;
}

void snap_root_task_free(struct task *t)
{
	if (t)
		free(t->proc);
	free(t);
}

void snap_load_fail(struct snap_load *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(&l->failed, l->msg, sizeof l->msg, fmt, ap);
	va_end(ap);
}

int snap_check(struct snap_load *l, struct snap_rd *r, const char *what)
{
	if (r->bad)
		snap_load_fail(l, "section %s: %s", what, r->why);
	return l->failed ? -1 : 0;
}
