/* A socket's image (snap_sock.h): its queue and the options it saves, in
 * the form the snapshot holds them whatever the host's layouts. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "snap/snap_buf.h"
#include "snap/snap_sock.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif

/* Linux's numbers and the host's. SO_PASSCRED and SO_PEEK_OFF matter to
 * how the queue is read and refilled: they are applied last. */
const struct sock_opt_kind sock_opt_kinds[] = {
	{2, SO_REUSEADDR, SO_FORM_INT},	      {5, SO_DONTROUTE, SO_FORM_INT},
	{6, SO_BROADCAST, SO_FORM_INT},	      {7, SO_SNDBUF, SO_FORM_BUF},
	{8, SO_RCVBUF, SO_FORM_BUF},	      {9, SO_KEEPALIVE, SO_FORM_INT},
	{10, SO_OOBINLINE, SO_FORM_INT},      {11, SO_NO_CHECK, SO_FORM_INT},
	{12, SO_PRIORITY, SO_FORM_INT},	      {13, SO_LINGER, SO_FORM_LINGER},
	{15, SO_REUSEPORT, SO_FORM_INT},      {16, SO_PASSCRED, SO_FORM_INT},
	{18, SO_RCVLOWAT, SO_FORM_INT},	      {20, SO_RCVTIMEO, SO_FORM_TIMEVAL},
	{21, SO_SNDTIMEO, SO_FORM_TIMEVAL},   {29, SO_TIMESTAMP, SO_FORM_INT},
	{34, SO_PASSSEC, SO_FORM_INT},	      {35, SO_TIMESTAMPNS, SO_FORM_INT},
	{40, SO_RXQ_OVFL, SO_FORM_INT},	      {42, SO_PEEK_OFF, SO_FORM_INT},
	{45, SO_SELECT_ERR_QUEUE, SO_FORM_INT}, {76, SO_PASSPIDFD, SO_FORM_INT},
};
const size_t sock_opt_nkinds = sizeof sock_opt_kinds / sizeof sock_opt_kinds[0];

void sock_opt_from_host(const struct sock_opt_kind *kind, const void *val, unsigned len,
			struct sock_opt *o)
{
	memset(o, 0, sizeof *o);
	o->name = kind->linux_name;
	if (kind->form == SO_FORM_LINGER && len >= sizeof(struct linger)) {
		const struct linger *l = val;
		snap_put_le(o->val, (uint32_t)l->l_onoff, 4);
		snap_put_le(o->val + 4, (uint32_t)l->l_linger, 4);
		o->len = 8;
	} else if (kind->form == SO_FORM_TIMEVAL && len >= sizeof(struct timeval)) {
		const struct timeval *tv = val;
		snap_put_le(o->val, (uint64_t)(int64_t)tv->tv_sec, 8);
		snap_put_le(o->val + 8, (uint64_t)(int64_t)tv->tv_usec, 8);
		o->len = 16;
	} else if (len >= sizeof(int)) {
		int v;
		memcpy(&v, val, sizeof v);
		snap_put_le(o->val, (uint32_t)v, 4);
		o->len = 4;
	}
}

int sock_opt_to_host(const struct sock_opt *o, const struct sock_opt_kind **kind, void *val,
		     unsigned *len)
{
	for (size_t k = 0; k < sock_opt_nkinds; k++) {
		const struct sock_opt_kind *sk = &sock_opt_kinds[k];
		if (sk->linux_name != o->name)
			continue;
		*kind = sk;
		if (sk->form == SO_FORM_LINGER && o->len == 8) {
			struct linger l = {(int)snap_get_le(o->val, 4), (int)snap_get_le(o->val + 4, 4)};
			memcpy(val, &l, sizeof l);
			*len = sizeof l;
		} else if (sk->form == SO_FORM_TIMEVAL && o->len == 16) {
			struct timeval tv = {(time_t)(int64_t)snap_get_le(o->val, 8),
					     (suseconds_t)(int64_t)snap_get_le(o->val + 8, 8)};
			memcpy(val, &tv, sizeof tv);
			*len = sizeof tv;
		} else if (o->len == 4) {
			int v = (int)snap_get_le(o->val, 4);
			memcpy(val, &v, sizeof v);
			*len = sizeof v;
		} else
			return -1;
		return 0;
	}
	return -1;
}

int sock_image_push(struct sock_image *img, const struct sock_msg *m)
{
	if (img->nmsgs == img->msgs_cap) {
		size_t cap = img->msgs_cap ? img->msgs_cap * 2 : 8;
		struct sock_msg *v = realloc(img->msgs, cap * sizeof *v);
		if (!v)
			return -1;
		img->msgs = v;
		img->msgs_cap = cap;
	}
	img->msgs[img->nmsgs++] = *m;
	return 0;
}

void sock_image_free(struct sock_image *img)
{
	for (size_t k = 0; k < img->nmsgs; k++) {
		free(img->msgs[k].data);
		free(img->msgs[k].refs);
	}
	free(img->msgs);
	free(img->pending);
	if (img->ident)
		sock_ident_free(img->ident);
	memset(img, 0, sizeof *img);
}
