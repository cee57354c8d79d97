/* Registers, lazy flags, segments, TLS descriptors, SSE and x87, field by
 * field: the snapshot never holds a host struct's layout. */
#include "snap/snap_cpu.h"

static void put_tls(struct snap_buf *b, const struct tls_desc *d)
{
	sb_u32(b, d->base);
	sb_u32(b, d->limit);
	uint8_t f[6] = {d->present, d->seg_32bit, d->limit_in_pages, d->contents,
			d->read_exec_only, d->useable};
	sb_bytes(b, f, sizeof f);
}

static void get_tls(struct snap_rd *r, struct tls_desc *d)
{
	uint8_t f[6];
	d->base = sr_u32(r);
	d->limit = sr_u32(r);
	sr_bytes(r, f, sizeof f);
	d->present = f[0], d->seg_32bit = f[1], d->limit_in_pages = f[2];
	d->contents = f[3], d->read_exec_only = f[4], d->useable = f[5];
}

static void put_x87(struct snap_buf *b, const struct x87 *x)
{
	for (int k = 0; k < 8; k++) {
		sb_u64(b, x->st[k].raw.mant);
		sb_u32(b, x->st[k].raw.sexp);
	}
	sb_u32(b, x->fcw);
	sb_u32(b, x->fsw);
	sb_u32(b, x->ftw);
	sb_u32(b, x->top);
	sb_u32(b, x->fop);
	sb_u64(b, x->fip);
	sb_u64(b, x->fdp);
}

static void get_x87(struct snap_rd *r, struct x87 *x)
{
	for (int k = 0; k < 8; k++) {
		x->st[k] = (fpreg_t){0};
		x->st[k].raw.mant = sr_u64(r);
		x->st[k].raw.sexp = (uint16_t)sr_u32(r);
	}
	x->fcw = (uint16_t)sr_u32(r);
	x->fsw = (uint16_t)sr_u32(r);
	x->ftw = (uint16_t)sr_u32(r);
	x->top = (uint8_t)(sr_u32(r) & 7);
	x->fop = (uint16_t)sr_u32(r);
	x->fip = sr_u64(r);
	x->fdp = sr_u64(r);
}

/* A lazy-flags operand as the flags read it: an operation of n bytes reads
 * the low n bytes (cpu/cond.h, cpu/flags.c), and none after CC_EFLAGS. The
 * rest is whatever a handler or translated code left there, which varied
 * from run to run (an 8-bit CMP's operand had different upper bits in two
 * runs of one machine) and made their snapshots differ. */
static uint64_t cc_operand(const struct cpu *c, uint64_t v)
{
	unsigned bits = 8u << (c->cc_op & 3);
	if (c->cc_op >> 2 == CC_EFLAGS)
		return 0;
	return bits == 64 ? v : v & ((1ull << bits) - 1);
}

void snap_put_cpu(struct snap_buf *b, const struct cpu *c)
{
	for (int k = 0; k < R_NONE; k++)
		sb_u64(b, c->r[k]);
	sb_u64(b, c->rip);
	sb_u64(b, cc_operand(c, c->cc_dst));
	sb_u64(b, cc_operand(c, c->cc_src));
	sb_u64(b, cc_operand(c, c->cc_src2));
	sb_u32(b, c->cc_op);
	sb_u32(b, c->eflags);
	for (int k = 0; k < SEG_COUNT; k++) {
		sb_u64(b, c->seg_base[k]);
		sb_u32(b, c->seg_sel[k]);
	}
	sb_u8(b, c->mode64);
	for (int k = 0; k < GDT_TLS_COUNT; k++)
		put_tls(b, &c->tls[k]);
	for (int k = 0; k < 16; k++)
		sb_bytes(b, c->xmm[k].b, 16);
	sb_u32(b, c->mxcsr);
	put_x87(b, &c->fpu);
}

void snap_get_cpu(struct snap_rd *r, struct cpu *c)
{
	for (int k = 0; k < R_NONE; k++)
		c->r[k] = sr_u64(r);
	c->r[R_NONE] = 0;
	c->rip = sr_u64(r);
	c->cc_dst = sr_u64(r);
	c->cc_src = sr_u64(r);
	c->cc_src2 = sr_u64(r);
	c->cc_op = sr_u32(r);
	if (c->cc_op >= CC_OP(CC_KINDS, 0))
		sr_fail(r, "a thread's flags state is out of range");
	c->eflags = sr_u32(r);
	for (int k = 0; k < SEG_COUNT; k++) {
		c->seg_base[k] = sr_u64(r);
		c->seg_sel[k] = (uint16_t)sr_u32(r);
	}
	c->mode64 = sr_u8(r) != 0;
	for (int k = 0; k < GDT_TLS_COUNT; k++)
		get_tls(r, &c->tls[k]);
	for (int k = 0; k < 16; k++)
		sr_bytes(r, c->xmm[k].b, 16);
	c->mxcsr = sr_u32(r);
	get_x87(r, &c->fpu);
}
