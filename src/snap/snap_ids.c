/* Pointer → id numbering (open addressing, grown at half full). */
#include "snap/snap_ids.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(const struct snap_ids *m, const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
	size_t k = (size_t)(h >> 20) & (m->cap - 1);
	while (m->keys[k] && m->keys[k] != p)
		k = (k + 1) & (m->cap - 1);
	return k;
}

static int grow(struct snap_ids *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct snap_ids n = {calloc(cap, sizeof *n.keys), calloc(cap, sizeof *n.vals), cap,
			     realloc(m->order, cap * sizeof *m->order), m->n, 0};
	if (!n.keys || !n.vals || !n.order) {
		free(n.keys);
		free(n.vals);
		if (n.order)
			m->order = n.order;
		return -1;
	}
	for (size_t k = 0; k < m->cap; k++)
		if (m->keys[k]) {
			size_t s = slot_of(&n, m->keys[k]);
			n.keys[s] = m->keys[k];
			n.vals[s] = m->vals[k];
		}
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

uint32_t ids_find(const struct snap_ids *m, const void *p)
{
	if (!p || !m->cap)
		return 0;
	size_t k = slot_of(m, p);
	return m->keys[k] ? m->vals[k] : 0;
}

uint32_t ids_get(struct snap_ids *m, const void *p, int *fresh)
{
	if (fresh)
		*fresh = 0;
	if (!p)
		return 0;
	uint32_t id = ids_find(m, p);
	if (id)
		return id;
	if ((m->n + 1) * 2 > m->cap && grow(m)) {
		m->oom = 1;
		return 0;
	}
	size_t k = slot_of(m, p);
	m->keys[k] = p;
	m->vals[k] = (uint32_t)++m->n;
	m->order[m->n - 1] = p;
	if (fresh)
		*fresh = 1;
	return m->vals[k];
}

void ids_free(struct snap_ids *m)
{
	free(m->keys);
	free(m->vals);
	free(m->order);
	memset(m, 0, sizeof *m);
}
