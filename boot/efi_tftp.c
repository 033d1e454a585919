/* A small TFTP client (RFC 1350) over the PXE base code's UdpWrite/UdpRead
 * (UEFI spec 2.9 §24.3). We do not use the firmware's Mtftp for this: OVMF's
 * never calls the PXE callback protocol during a transfer, so a large file
 * could show no progress, and iPXE's PXE base code does not implement Mtftp
 * GET_FILE_SIZE. We ask for two options (RFC 2347): blksize (RFC 2348), for
 * fewer round trips, and tsize (RFC 2349), to size the buffer and report
 * progress from the start. A server that knows no options answers with
 * DATA 1 directly: 512-byte blocks, size unknown, the buffer grows. */
#include <stdio.h>
#include <string.h>
#include <strings.h> /* strcasecmp: option names are case-insensitive */
#include "boot/efi.h"
#include "console/klog.h"

enum { OP_RRQ = 1, OP_DATA = 3, OP_ACK = 4, OP_ERROR = 5, OP_OACK = 6 };

#define PORT_TFTP 69
#define BLKSIZE 1432 /* what iPXE asks for: one packet under a 1500-byte MTU */
#define WAIT_100NS 20000000 /* 2 s without an answer: send our last packet again */
#define TRIES 5
#define FIRST_BUF (64u << 10) /* when the server does not tell the size */

struct tftp {
	EFI_PXE_BASE_CODE *pxe;
	EFI_IP_ADDRESS server, station;
	UINT16 port; /* ours, fresh per transfer so stale packets miss it */
	UINT16 tid; /* the server's port for this transfer; 0 until it answers */
	EFI_EVENT timer;
	uint8_t out[320]; /* last packet sent (RRQ or ACK), for retransmission */
	UINTN out_len;
	uint8_t in[4 + BLKSIZE];
	uint8_t *buf; /* the file, in pages of cap bytes */
	uint64_t cap, len;
};

static EFI_STATUS tftp_send(struct tftp *t)
{
	UINT16 dport = t->tid ? t->tid : PORT_TFTP;
	UINTN n = t->out_len;

	return uefi_call_wrapper(t->pxe->UdpWrite, 11, t->pxe, 0, &t->server, &dport, NULL,
				 &t->station, &t->port, NULL, NULL, &n, t->out);
}

static EFI_STATUS tftp_ack(struct tftp *t, UINT16 block)
{
	t->out[0] = 0;
	t->out[1] = OP_ACK;
	t->out[2] = block >> 8;
	t->out[3] = block & 0xff;
	t->out_len = 4;
	return tftp_send(t);
}

/* Tells the server we give up (RFC 1350 §7 ERROR), so it can drop the
 * transfer at once instead of retransmitting until it times out. */
static void tftp_abort(struct tftp *t, UINT16 code, const char *msg)
{
	int n = snprintf((char *)t->out, sizeof(t->out), "%c%c%c%c%s", 0, OP_ERROR, 0, code, msg);
	t->out_len = (UINTN)n + 1;
	tftp_send(t);
}

/* Waits for one packet from the server to our port: its length, 0 on
 * timeout, or -1 with *st set. The server answers from a new port (its
 * transfer ID, RFC 1350 §4), hence ANY_SRC_PORT; once known, other ports'
 * packets are dropped. UdpRead blocks up to 3 s in OVMF and returns at once
 * in iPXE, so the deadline is our own timer. */
static int tftp_recv(struct tftp *t, EFI_STATUS *st)
{
	uefi_call_wrapper(efi_bs->CheckEvent, 1, t->timer); /* clear a stale signal */
	uefi_call_wrapper(efi_bs->SetTimer, 3, t->timer, TimerRelative, WAIT_100NS);
	do {
		EFI_IP_ADDRESS dst = t->station, src = t->server;
		UINT16 dport = t->port, sport = 0;
		UINTN n = sizeof(t->in);
		*st = uefi_call_wrapper(t->pxe->UdpRead, 10, t->pxe,
					EFI_PXE_BASE_CODE_UDP_OPFLAGS_ANY_SRC_PORT, &dst, &dport, &src,
					&sport, NULL, NULL, &n, t->in);
		if (*st == EFI_SUCCESS && n >= 4 && (!t->tid || sport == t->tid)) {
			t->tid = sport;
			return (int)n;
		}
		/* Timeouts, oversized and foreign packets: keep waiting. */
		if (EFI_ERROR(*st) && *st != EFI_TIMEOUT && *st != EFI_BUFFER_TOO_SMALL)
			return -1;
	} while (uefi_call_wrapper(efi_bs->CheckEvent, 1, t->timer) == EFI_NOT_READY);
	return 0;
}

static void tftp_free(struct tftp *t)
{
	if (t->buf)
		uefi_call_wrapper(efi_bs->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uintptr_t)t->buf,
				  t->cap / 4096);
	t->buf = NULL;
	t->cap = 0;
}

/* Makes room for need bytes plus the caller's terminating NUL: doubles the
 * pages and copies when the size was not known up front. */
static int tftp_reserve(struct tftp *t, uint64_t need)
{
	if (need < t->cap)
		return 0;
	uint64_t cap = t->cap ? t->cap : FIRST_BUF;
	while (cap <= need)
		cap *= 2;
	cap = (cap + 4095) & ~4095ull;
	uint8_t *b = efi_alloc_pages(cap, 0);
	if (!b)
		return -1;
	if (t->len)
		memcpy(b, t->buf, t->len);
	tftp_free(t);
	t->buf = b;
	t->cap = cap;
	return 0;
}

/* The OACK lists the options the server accepted as name\0value\0 pairs. */
static int tftp_oack(struct tftp *t, int n, unsigned *blksize, uint64_t *tsize)
{
	const char *s = (const char *)t->in + 2, *end = (const char *)t->in + n;
	while (s < end) {
		const char *val = memchr(s, 0, (size_t)(end - s));
		if (!val++ || val >= end || !memchr(val, 0, (size_t)(end - val)))
			return -1;
		uint64_t v = 0;
		for (const char *d = val; *d >= '0' && *d <= '9'; d++)
			v = v * 10 + (uint64_t)(*d - '0');
		if (!strcasecmp(s, "blksize")) {
			if (v < 8 || v > BLKSIZE) /* RFC 2348: never more than asked */
				return -1;
			*blksize = (unsigned)v;
		} else if (!strcasecmp(s, "tsize")) {
			*tsize = v;
		}
		s = val + strlen(val) + 1;
	}
	return 0;
}

/* The transfer proper: RRQ, then OACK or DATA 1, ACK each block in turn. */
static int tftp_get(struct tftp *t, const char *name, struct efi_progress *p, const char **why)
{
	static char msg[96];
	unsigned blksize = 512; /* RFC 1350's, until an OACK says otherwise */
	uint64_t tsize = ~0ull;
	UINT16 expect = 1; /* wraps after 65535, as the common servers do */
	int tries = 0, n, oack = 0, answered = 0;
	EFI_STATUS st;

	n = snprintf((char *)t->out, sizeof(t->out), "%c%c%s%coctet%cblksize%c%u%ctsize%c0", 0,
		     OP_RRQ, name, 0, 0, 0, BLKSIZE, 0, 0);
	if (n < 0 || n + 1 > (int)sizeof(t->out)) {
		*why = "path too long";
		return -1;
	}
	t->out_len = (UINTN)n + 1;
	st = tftp_send(t);
	for (;;) {
		if (EFI_ERROR(st))
			goto fw_error;
		n = tftp_recv(t, &st);
		if (n < 0)
			goto fw_error;
		if (n == 0) {
			if (++tries == TRIES) {
				*why = "TFTP timeout: no answer from the server";
				return -1;
			}
			st = tftp_send(t);
			continue;
		}
		answered = 1;
		UINT16 op = (UINT16)(t->in[0] << 8 | t->in[1]);
		UINT16 block = (UINT16)(t->in[2] << 8 | t->in[3]);
		if (op == OP_ERROR) {
			snprintf(msg, sizeof(msg), "TFTP error %u: %.*s", block, n - 4,
				 (const char *)t->in + 4);
			*why = msg;
			return -1;
		}
		if (op == OP_OACK && expect == 1) {
			/* A repeated OACK means our ACK 0 was lost: ACK it again. */
			if (!oack && tftp_oack(t, n, &blksize, &tsize)) {
				tftp_abort(t, 8, "bad options"); /* RFC 2347 */
				*why = "TFTP: bad option acknowledgement";
				return -1;
			}
			if (!oack && tsize != ~0ull) {
				efi_progress_start(p, tsize);
				if (tftp_reserve(t, tsize)) {
					tftp_abort(t, 3, "out of memory");
					*why = "out of memory";
					return -1;
				}
			}
			if (!oack)
				tries = 0;
			oack = 1;
			st = tftp_ack(t, 0);
			continue;
		}
		if (op != OP_DATA)
			continue;
		if (block != expect) {
			/* The server lost our ACK for this block: repeat it. */
			if (block == (UINT16)(expect - 1))
				st = tftp_ack(t, block);
			continue;
		}
		uint64_t got = (uint64_t)n - 4;
		if (tftp_reserve(t, t->len + got)) {
			tftp_abort(t, 3, "out of memory");
			*why = "out of memory";
			return -1;
		}
		memcpy(t->buf + t->len, t->in + 4, got);
		t->len += got;
		p->done = t->len;
		efi_progress_update(p);
		tries = 0;
		expect++;
		st = tftp_ack(t, block);
		/* A short block ends the file. We do not linger for a repeat of
		 * it (RFC 1350 §6): if this ACK is lost, the server times out. */
		if (got < blksize)
			break;
	}
	klog(LOG_DEBUG, "boot: tftp %s: %llu bytes in %u-byte blocks", name,
	     (unsigned long long)t->len, blksize);
	return 0;
fw_error:
	/* OVMF passes on UDP's ICMP statuses (efiudp.h) rather than ICMP_ERROR. */
	if (st == EFI_ICMP_ERROR || (st >= EFI_NETWORK_UNREACHABLE && st <= EFI_PORT_UNREACHABLE))
		*why = "TFTP server unreachable: ICMP error";
	else
		*why = efi_strerror(st);
	/* UDP calls the firmware lacks or refuses: the caller tries Mtftp. A
	 * silent server is no reason to, it would not answer Mtftp either. */
	if (!answered && (st == EFI_UNSUPPORTED || st == EFI_INVALID_PARAMETER))
		return EFI_TFTP_NO_UDP;
	return -1;
}

int efi_tftp_read(EFI_PXE_BASE_CODE *pxe, const EFI_IP_ADDRESS *server, const char *name,
		  struct efi_progress *p, void **data, uint64_t *size, const char **why)
{
	struct tftp t;
	int r;

	memset(&t, 0, sizeof(t));
	t.pxe = pxe;
	t.server = *server;
	t.station = pxe->Mode->StationIp;
	/* An ephemeral port (RFC 6335) from the TSC: a new one each transfer. */
	t.port = (UINT16)(49152 + (__builtin_ia32_rdtsc() >> 4) % 16384);
	if (EFI_ERROR(uefi_call_wrapper(efi_bs->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL,
					&t.timer))) {
		*why = "no timer";
		return -1;
	}
	r = tftp_get(&t, name, p, why);
	if (r == 0 && tftp_reserve(&t, t.len)) { /* room for the NUL even if empty */
		*why = "out of memory";
		r = -1;
	}
	uefi_call_wrapper(efi_bs->CloseEvent, 1, t.timer);
	if (r) {
		tftp_free(&t);
		return r;
	}
	*data = t.buf;
	*size = t.len;
	return 0;
}
