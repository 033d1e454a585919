/* keel log ring: variable-length records in a byte ring (see log.h).
 *
 * A record is a 16-byte header and its text, padded to 8 bytes, always
 * contiguous in the buffer. When a record does not fit between the write
 * offset and the end, a WRAP header is left there (if 16 bytes remain;
 * less than that wraps implicitly) and writing starts again at offset 0.
 * Sequence numbers are not stored: the oldest record is number
 * added - count and the rest follow in order.
 */
#include "console/log.h"

#include <string.h> /* memcpy, memset, strcmp, strlen */

enum { LOG_REC_TEXT = 1, LOG_REC_WRAP = 2 };
#define LOG_REC_TRUNCATED 0x1

struct log_rec {
	uint64_t ts;
	uint32_t len;   /* text bytes after the header */
	uint8_t level;
	uint8_t kind;   /* LOG_REC_* */
	uint16_t flags; /* LOG_REC_TRUNCATED */
};
_Static_assert(sizeof(struct log_rec) == 16, "log record header is 16 bytes");

const char *log_level_name(enum log_level lvl)
{
	static const char *const names[LOG_LEVELS] = {
		[LOG_ERR] = "error", [LOG_WARN] = "warn",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};

	if ((unsigned)lvl >= LOG_LEVELS)
		return "?";
	return names[lvl];
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < LOG_LEVELS; i++) {
		if (s && strcmp(s, log_level_name((enum log_level)i)) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static size_t log_rec_size(size_t len)
{
	return (sizeof(struct log_rec) + len + 7) & ~(size_t)7;
}

/* The buffer need not be aligned, so headers move with memcpy. */
static void log_rec_read(const struct log_ring *r, size_t off,
			 struct log_rec *h)
{
	memcpy(h, r->buf + off, sizeof(*h));
}

/* Offset of the record that follows a record ending at off. */
static size_t log_rec_follow(const struct log_ring *r, size_t off)
{
	struct log_rec h;

	if (r->size - off < sizeof(h))
		return 0;
	log_rec_read(r, off, &h);
	return h.kind == LOG_REC_WRAP ? 0 : off;
}

void log_ring_init(struct log_ring *r, void *buf, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->size = size & ~(size_t)7;
	r->max_text = r->size / 4;
}

static void log_ring_drop_oldest(struct log_ring *r)
{
	struct log_rec h;

	log_rec_read(r, r->head, &h);
	r->count--;
	if (r->count == 0)
		r->head = r->tail = 0;
	else
		r->head = log_rec_follow(r, r->head + log_rec_size(h.len));
}

/* Make need contiguous bytes free at r->tail, dropping the oldest records.
 * Data lies in [head, tail) when tail > head, else in [head, end) and
 * [0, tail); count tells full (tail == head) from empty. */
static void log_ring_make_room(struct log_ring *r, size_t need)
{
	for (;;) {
		if (r->count == 0 || r->tail > r->head) {
			if (r->size - r->tail >= need)
				return;
			if (r->size - r->tail >= sizeof(struct log_rec)) {
				struct log_rec wrap = { .kind = LOG_REC_WRAP };

				memcpy(r->buf + r->tail, &wrap, sizeof(wrap));
			}
			r->tail = 0;
		}
		if (r->head - r->tail >= need)
			return;
		log_ring_drop_oldest(r);
	}
}

void log_ring_add(struct log_ring *r, uint64_t ts, enum log_level lvl,
		  const char *text)
{
	size_t len = text ? strlen(text) : 0;
	struct log_rec h = { .ts = ts, .level = (uint8_t)lvl,
			     .kind = LOG_REC_TEXT };

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len > r->max_text) {
		len = r->max_text;
		h.flags |= LOG_REC_TRUNCATED;
	}
	h.len = (uint32_t)len;

	r->added++;
	if (r->size < LOG_RING_MIN_SIZE)
		return; /* counts as dropped: added - count grew */

	log_ring_make_room(r, log_rec_size(len));
	memcpy(r->buf + r->tail, &h, sizeof(h));
	if (len > 0)
		memcpy(r->buf + r->tail + sizeof(h), text, len);
	r->tail += log_rec_size(len);
	r->count++;
}

bool log_ring_next(const struct log_ring *r, uint64_t *seq,
		   struct log_entry *out, char *text, size_t textsz)
{
	uint64_t first = log_ring_first_seq(r);
	uint64_t want = *seq < first ? first : *seq;
	size_t off = r->head;
	struct log_rec h;

	if (want >= r->added)
		return false;
	/* Records have no index: walk from the oldest. */
	for (uint64_t s = first;; s++) {
		log_rec_read(r, off, &h);
		if (s == want)
			break;
		off = log_rec_follow(r, off + log_rec_size(h.len));
	}

	if (out) {
		out->seq = want;
		out->ts = h.ts;
		out->level = (enum log_level)h.level;
		out->len = h.len;
		out->truncated = (h.flags & LOG_REC_TRUNCATED) != 0;
	}
	if (text && textsz > 0) {
		size_t n = h.len < textsz - 1 ? h.len : textsz - 1;

		memcpy(text, r->buf + off + sizeof(h), n);
		text[n] = '\0';
	}
	*seq = want + 1;
	return true;
}
