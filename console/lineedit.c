/* keel console line editor (see lineedit.h).
 *
 * The terminal cursor always sits at e->cur within the line, so every
 * edit is a short relative redraw: print what changed from the cursor on,
 * clear the rest with ESC[K if the line shrank, and step back with ESC[nD.
 * Like other simple editors, this assumes prompt + line fit on one row.
 */
#include "console/lineedit.h"

#include <stdio.h>  /* snprintf */
#include <string.h> /* memmove, memcpy, memset, strcmp, strlen */

enum { LEDIT_ESC_NONE, LEDIT_ESC_ESC, LEDIT_ESC_CSI, LEDIT_ESC_CSI_REST,
       LEDIT_ESC_SS3 };

#define LEDIT_ESC_ARG_MAX 1000u /* saturate numeric parameters here */

static void ledit_emit(struct ledit *e, const char *s, size_t n)
{
	if (n > 0)
		e->out(e->ctx, s, n);
}

static void ledit_emit_str(struct ledit *e, const char *s)
{
	ledit_emit(e, s, strlen(s));
}

/* Move the terminal cursor n columns; dir is 'C' (right) or 'D' (left). */
static void ledit_move(struct ledit *e, size_t n, char dir)
{
	char seq[24];
	int k;

	if (n == 0)
		return;
	if (n == 1)
		k = snprintf(seq, sizeof(seq), "\x1b[%c", dir);
	else
		k = snprintf(seq, sizeof(seq), "\x1b[%zu%c", n, dir);
	ledit_emit(e, seq, (size_t)k);
}

/* Print the line from the cursor on (the cursor moved by `from` first),
 * clear leftovers if asked, and put the terminal cursor back at e->cur. */
static void ledit_redraw_tail(struct ledit *e, size_t from, int clear)
{
	ledit_emit(e, e->line + from, e->len - from);
	if (clear)
		ledit_emit_str(e, "\x1b[K");
	ledit_move(e, e->len - e->cur, 'D');
}

static void ledit_clear(struct ledit *e)
{
	e->len = e->cur = 0;
	e->line[0] = '\0';
	e->finished = 0;
}

void ledit_init(struct ledit *e, const char *prompt,
		void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->prompt = prompt ? prompt : "";
	e->out = out;
	e->ctx = ctx;
}

void ledit_set_prompt(struct ledit *e, const char *prompt)
{
	e->prompt = prompt ? prompt : "";
}

void ledit_prompt(struct ledit *e)
{
	if (e->finished)
		ledit_clear(e);
	ledit_emit_str(e, e->prompt);
	ledit_redraw_tail(e, 0, 0);
}

static int ledit_printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

void ledit_insert(struct ledit *e, const char *s)
{
	size_t at = e->cur;
	size_t n = 0;

	if (e->finished)
		ledit_clear(e);
	/* Open a gap of the right size, then fill it. */
	for (const char *p = s; *p && e->len + n < LEDIT_MAX; p++)
		n += ledit_printable((uint8_t)*p);
	if (n == 0)
		return;
	memmove(e->line + at + n, e->line + at, e->len - at + 1);
	for (size_t k = 0; k < n; s++) {
		if (ledit_printable((uint8_t)*s))
			e->line[at + k++] = *s;
	}
	e->len += n;
	e->cur += n;
	ledit_redraw_tail(e, at, 0);
}

static void ledit_backspace(struct ledit *e)
{
	if (e->cur == 0)
		return;
	memmove(e->line + e->cur - 1, e->line + e->cur, e->len - e->cur + 1);
	e->cur--;
	e->len--;
	ledit_emit_str(e, "\b");
	ledit_redraw_tail(e, e->cur, 1);
}

static void ledit_delete(struct ledit *e)
{
	if (e->cur == e->len)
		return;
	memmove(e->line + e->cur, e->line + e->cur + 1, e->len - e->cur);
	e->len--;
	ledit_redraw_tail(e, e->cur, 1);
}

/* Replace the whole line (history recall, Ctrl-U). */
static void ledit_set_line(struct ledit *e, const char *s)
{
	size_t n = strlen(s);

	if (n > LEDIT_MAX)
		n = LEDIT_MAX;
	ledit_move(e, e->cur, 'D');
	memcpy(e->line, s, n);
	e->line[n] = '\0';
	e->len = e->cur = n;
	ledit_redraw_tail(e, 0, 1);
}

static void ledit_cursor_to(struct ledit *e, size_t pos)
{
	if (pos < e->cur)
		ledit_move(e, e->cur - pos, 'D');
	else
		ledit_move(e, pos - e->cur, 'C');
	e->cur = pos;
}

/* i-th newest history entry, 1-based. */
static const char *ledit_hist_entry(const struct ledit *e, unsigned i)
{
	return e->hist[(e->hist_newest + LEDIT_HIST - (i - 1)) % LEDIT_HIST];
}

static void ledit_hist_add(struct ledit *e)
{
	if (e->len == 0)
		return;
	if (e->hist_count > 0 && strcmp(ledit_hist_entry(e, 1), e->line) == 0)
		return;
	e->hist_newest = (e->hist_newest + 1) % LEDIT_HIST;
	memcpy(e->hist[e->hist_newest], e->line, e->len + 1);
	if (e->hist_count < LEDIT_HIST)
		e->hist_count++;
}

static void ledit_hist_move(struct ledit *e, int older)
{
	if (older) {
		if (e->hist_pos == e->hist_count)
			return;
		e->hist_pos++;
	} else {
		if (e->hist_pos == 0)
			return;
		e->hist_pos--;
	}
	ledit_set_line(e, e->hist_pos ? ledit_hist_entry(e, e->hist_pos) : "");
}

/* Keys reached by escape sequences. */
enum ledit_key { LEDIT_KEY_UP, LEDIT_KEY_DOWN, LEDIT_KEY_RIGHT, LEDIT_KEY_LEFT,
		 LEDIT_KEY_HOME, LEDIT_KEY_END, LEDIT_KEY_DELETE };

static void ledit_key(struct ledit *e, enum ledit_key k)
{
	switch (k) {
	case LEDIT_KEY_UP:     ledit_hist_move(e, 1); break;
	case LEDIT_KEY_DOWN:   ledit_hist_move(e, 0); break;
	case LEDIT_KEY_RIGHT:  ledit_cursor_to(e, e->cur + (e->cur < e->len)); break;
	case LEDIT_KEY_LEFT:   ledit_cursor_to(e, e->cur - (e->cur > 0)); break;
	case LEDIT_KEY_HOME:   ledit_cursor_to(e, 0); break;
	case LEDIT_KEY_END:    ledit_cursor_to(e, e->len); break;
	case LEDIT_KEY_DELETE: ledit_delete(e); break;
	}
}

/* Final byte of ESC [ ... or ESC O ...; arg is the first CSI parameter. */
static void ledit_escape_final(struct ledit *e, uint8_t c, unsigned arg)
{
	switch (c) {
	case 'A': ledit_key(e, LEDIT_KEY_UP); break;
	case 'B': ledit_key(e, LEDIT_KEY_DOWN); break;
	case 'C': ledit_key(e, LEDIT_KEY_RIGHT); break;
	case 'D': ledit_key(e, LEDIT_KEY_LEFT); break;
	case 'H': ledit_key(e, LEDIT_KEY_HOME); break;
	case 'F': ledit_key(e, LEDIT_KEY_END); break;
	case '~': /* VT220 editing keys */
		if (arg == 1 || arg == 7)
			ledit_key(e, LEDIT_KEY_HOME);
		else if (arg == 4 || arg == 8)
			ledit_key(e, LEDIT_KEY_END);
		else if (arg == 3)
			ledit_key(e, LEDIT_KEY_DELETE);
		break;
	default:
		break;
	}
}

/* Advance the escape parser. Returns 1 if c was consumed, 0 if c must be
 * handled as ordinary input (a control byte cuts a sequence short). */
static int ledit_escape(struct ledit *e, uint8_t c)
{
	int control = c < 0x20 || c >= 0x7f;

	switch (e->esc) {
	case LEDIT_ESC_ESC:
		if (c == 0x1b)
			return 1;
		e->esc = LEDIT_ESC_NONE;
		if (c == '[') {
			e->esc = LEDIT_ESC_CSI;
			e->esc_arg = 0;
		} else if (c == 'O') {
			e->esc = LEDIT_ESC_SS3;
		}
		return !control; /* ESC + other printable (Alt-key): ignored */
	case LEDIT_ESC_CSI:
	case LEDIT_ESC_CSI_REST:
		if (control) {
			e->esc = LEDIT_ESC_NONE;
			return 0;
		}
		if (c >= '0' && c <= '9' && e->esc == LEDIT_ESC_CSI) {
			e->esc_arg = e->esc_arg * 10 + (unsigned)(c - '0');
			if (e->esc_arg > LEDIT_ESC_ARG_MAX)
				e->esc_arg = LEDIT_ESC_ARG_MAX;
		} else if (c < 0x40) {
			/* more parameters or intermediates: keep only the first */
			e->esc = LEDIT_ESC_CSI_REST;
		} else {
			e->esc = LEDIT_ESC_NONE;
			ledit_escape_final(e, c, e->esc_arg);
		}
		return 1;
	case LEDIT_ESC_SS3:
		e->esc = LEDIT_ESC_NONE;
		if (control)
			return 0;
		if (c >= 0x40)
			ledit_escape_final(e, c, 0);
		return 1;
	default:
		return 0;
	}
}

static enum ledit_result ledit_enter(struct ledit *e)
{
	ledit_emit_str(e, "\r\n");
	ledit_hist_add(e);
	e->hist_pos = 0;
	e->finished = 1; /* e->line stays readable until the next edit */
	return LEDIT_LINE;
}

enum ledit_result ledit_feed(struct ledit *e, uint8_t c)
{
	if (e->after_cr) {
		e->after_cr = 0;
		if (c == '\n')
			return LEDIT_NONE; /* \r\n is one Enter */
	}
	if (e->finished)
		ledit_clear(e);
	if (ledit_escape(e, c))
		return LEDIT_NONE;

	switch (c) {
	case '\r':
		e->after_cr = 1;
		return ledit_enter(e);
	case '\n':
		return ledit_enter(e);
	case 0x03: /* Ctrl-C */
		ledit_emit_str(e, "^C\r\n");
		ledit_clear(e);
		e->hist_pos = 0;
		return LEDIT_CANCEL;
	case 0x7f: /* DEL, what most terminals send for Backspace */
	case 0x08: /* Ctrl-H */
		ledit_backspace(e);
		break;
	case 0x15: /* Ctrl-U: kill the line */
		if (e->len > 0)
			ledit_set_line(e, "");
		break;
	case 0x0b: /* Ctrl-K: kill to the end */
		if (e->cur < e->len) {
			e->len = e->cur;
			e->line[e->len] = '\0';
			ledit_emit_str(e, "\x1b[K");
		}
		break;
	case 0x01: ledit_key(e, LEDIT_KEY_HOME); break;  /* Ctrl-A */
	case 0x05: ledit_key(e, LEDIT_KEY_END); break;   /* Ctrl-E */
	case 0x02: ledit_key(e, LEDIT_KEY_LEFT); break;  /* Ctrl-B */
	case 0x06: ledit_key(e, LEDIT_KEY_RIGHT); break; /* Ctrl-F */
	case 0x10: ledit_key(e, LEDIT_KEY_UP); break;    /* Ctrl-P */
	case 0x0e: ledit_key(e, LEDIT_KEY_DOWN); break;  /* Ctrl-N */
	case '\t':
		if (e->complete)
			e->complete(e->ctx, e);
		break;
	case 0x1b:
		e->esc = LEDIT_ESC_ESC;
		break;
	default:
		if (ledit_printable(c) && e->len < LEDIT_MAX) {
			char s[2] = { (char)c, '\0' };

			ledit_insert(e, s);
		}
		break;
	}
	return LEDIT_NONE;
}
