/* keel console line editor.
 *
 * Fed one input byte at a time; echoes through an output callback with
 * plain VT100 sequences (\r, ESC[K, ESC[nC/D). Keys: printable insert at
 * the cursor, Backspace (DEL or BS), Delete (ESC[3~), Ctrl-A/Home,
 * Ctrl-E/End, Left/Right (and Ctrl-B/Ctrl-F), Up/Down history (and
 * Ctrl-P/Ctrl-N), Ctrl-U kill line, Ctrl-K kill to end, Ctrl-C cancel,
 * Tab calls the optional completion hook. Everything else is ignored.
 * Pure code: builds on the host too.
 */
#ifndef KEEL_CONSOLE_LINEEDIT_H
#define KEEL_CONSOLE_LINEEDIT_H

#include <stddef.h>
#include <stdint.h>

#define LEDIT_MAX 255  /* characters per line; more are ignored */
#define LEDIT_HIST 16  /* history entries kept */

enum ledit_result {
	LEDIT_NONE,   /* keep feeding */
	LEDIT_LINE,   /* e->line holds the finished line (maybe empty) */
	LEDIT_CANCEL, /* Ctrl-C: the line was discarded */
};

struct ledit {
	char line[LEDIT_MAX + 1]; /* NUL-terminated */
	size_t len;
	size_t cur;               /* cursor, 0..len */
	const char *prompt;       /* not copied */
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
	/* Optional, called on Tab; may call ledit_insert. */
	void (*complete)(void *ctx, struct ledit *e);

	/* input state */
	uint8_t esc;       /* escape parser state */
	unsigned esc_arg;  /* first numeric parameter of a CSI sequence */
	uint8_t after_cr;  /* last byte was \r: a following \n is swallowed */
	uint8_t finished;  /* line returned; clear it before the next edit */

	/* history: hist[(hist_newest - i) % LEDIT_HIST] is the i-th newest */
	char hist[LEDIT_HIST][LEDIT_MAX + 1];
	unsigned hist_count;
	unsigned hist_newest;
	unsigned hist_pos; /* 0: editing a new line; n: showing n-th newest */
};

void ledit_init(struct ledit *e, const char *prompt,
		void (*out)(void *ctx, const char *s, size_t n), void *ctx);
/* Takes effect at the next ledit_prompt. */
void ledit_set_prompt(struct ledit *e, const char *prompt);
/* Print the prompt and the line being edited (empty after LEDIT_LINE or
 * LEDIT_CANCEL), so it also redraws after other output broke in. */
void ledit_prompt(struct ledit *e);
enum ledit_result ledit_feed(struct ledit *e, uint8_t c);
/* Insert s at the cursor, with echo, as if typed (for completion).
 * Non-printable bytes and what does not fit are dropped. */
void ledit_insert(struct ledit *e, const char *s);

#endif
