/* keel log ring: the record store behind `dmesg`.
 *
 * Records are variable length {timestamp, level, text} packed into a
 * caller-supplied byte buffer; when it is full the oldest records go.
 * Each record gets a sequence number, so a reader can resume where it
 * stopped and can tell how much it missed. Not thread-safe: the kernel
 * wraps the ring in a spinlock. Pure code: builds on the host too.
 */
#ifndef KEEL_CONSOLE_LOG_H
#define KEEL_CONSOLE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lower is more severe. Note <syslog.h> defines LOG_ERR etc. as macros:
 * do not include both in one file. */
enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };
#define LOG_LEVELS 4

/* "error", "warn", "info", "debug"; "?" for a value outside the enum. */
const char *log_level_name(enum log_level lvl);
/* Inverse of log_level_name; returns 0, or -1 (and leaves *out) if unknown. */
int log_level_parse(const char *s, enum log_level *out);

/* A buffer smaller than this holds nothing: every add counts as dropped. */
#define LOG_RING_MIN_SIZE 64

struct log_ring {
	uint8_t *buf;
	size_t size;      /* usable bytes (buffer size rounded down to 8) */
	size_t max_text;  /* longer texts are truncated to this many bytes */
	size_t head;      /* offset of the oldest record */
	size_t tail;      /* offset where the next record goes */
	size_t count;     /* records kept */
	uint64_t added;   /* records ever added; the next one gets seq == added */
};

/* Every record is either kept or dropped, and sequence numbers are dense,
 * so the oldest kept record's number is also the count of dropped ones. */
static inline uint64_t log_ring_dropped(const struct log_ring *r)
{
	return r->added - r->count;
}

static inline uint64_t log_ring_first_seq(const struct log_ring *r)
{
	return r->added - r->count;
}

/* One record as returned by log_ring_next. */
struct log_entry {
	uint64_t seq;
	uint64_t ts;           /* opaque units, as passed to log_ring_add */
	enum log_level level;
	size_t len;            /* stored text length, without the NUL */
	bool truncated;        /* the text was cut at add time */
};

void log_ring_init(struct log_ring *r, void *buf, size_t size);

/* Store a record. Trailing CR/LF are stripped, text longer than size/4 is
 * cut (entry.truncated says so), the oldest records are dropped to make
 * room. Never fails. text may be NULL (stored as ""). */
void log_ring_add(struct log_ring *r, uint64_t ts, enum log_level lvl,
		  const char *text);

/* Read the record with sequence number *seq, or the oldest kept one if
 * *seq is older than that. On success fills *out, copies the text
 * (NUL-terminated, cut to textsz - 1; text may be NULL if textsz is 0),
 * sets *seq to the following sequence number and returns true. Returns
 * false once *seq is past the newest record. Start a full dump at 0. */
bool log_ring_next(const struct log_ring *r, uint64_t *seq,
		   struct log_entry *out, char *text, size_t textsz);

#endif
