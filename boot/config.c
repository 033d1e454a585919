/* keel.cfg parser (see config.h for the syntax). */
#include "boot/config.h"

#include <stdio.h>  /* snprintf */
#include <stdlib.h> /* malloc, free */
#include <string.h> /* memchr, memcmp, memcpy, memset, strcmp, strlen */

/* Working state of one config_parse call; malloc'd, it is a few KiB. */
struct cfg_parser {
	struct keel_config *c;
	void (*diag)(void *ctx, int line, const char *msg);
	void *ctx;
	int line;
	int errors;
	int ntok;
	char *tok[CONFIG_MAX_LINE / 2 + 1];
	char buf[CONFIG_MAX_LINE + 1]; /* the tokens, each NUL-terminated */
	char msg[200];
};

static void cfg_report(struct cfg_parser *p)
{
	p->errors++;
	if (p->diag)
		p->diag(p->ctx, p->line, p->msg);
}

/* Format a message for the current line and report it. Messages quote
 * user text with %.48s so each stays one readable line. */
#define CFG_ERROR(p, ...) \
	(snprintf((p)->msg, sizeof((p)->msg), __VA_ARGS__), cfg_report(p))

void config_defaults(struct keel_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->console.port, "com1", 5);
	c->console.io_base = 0x3f8;
	c->console.irq = 4;
	c->console.baud = 115200;
	c->log_level = LOG_INFO;
	c->debug_exit = false;
}

static bool cfg_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Split one line (no '\n', at most CONFIG_MAX_LINE bytes) into p->tok.
 * Every token takes at least one input byte plus a separator, so the
 * tokens and their NULs fit in n + 1 bytes and (n + 1) / 2 slots.
 * Returns -1 on an unterminated quote. */
static int cfg_tokenize(struct cfg_parser *p, const char *s, size_t n)
{
	char *out = p->buf;
	size_t i = 0;

	p->ntok = 0;
	for (;;) {
		bool quoted = false;

		while (i < n && cfg_blank(s[i]))
			i++;
		if (i == n || s[i] == '#')
			return 0;
		p->tok[p->ntok++] = out;
		for (; i < n; i++) {
			char ch = s[i];

			if (quoted) {
				if (ch == '"') {
					quoted = false;
					continue;
				}
				if (ch == '\\' && i + 1 < n &&
				    (s[i + 1] == '"' || s[i + 1] == '\\'))
					ch = s[++i];
			} else {
				if (cfg_blank(ch) || ch == '#')
					break;
				if (ch == '"') {
					quoted = true;
					continue;
				}
			}
			*out++ = ch;
		}
		if (quoted)
			return -1;
		*out++ = '\0';
	}
}

/* Decimal, digits only, at most 9 of them. */
static int cfg_parse_u32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static void cfg_console_line(struct cfg_parser *p)
{
	static const struct cfg_console ports[] = {
		{ "com1", 0x3f8, 4, 115200 }, { "com2", 0x2f8, 3, 115200 },
		{ "com3", 0x3e8, 4, 115200 }, { "com4", 0x2e8, 3, 115200 },
	};
	const struct cfg_console *port = NULL;
	struct cfg_console con;

	if (p->ntok < 2) {
		CFG_ERROR(p, "console: missing port (expected com1..com4)");
		return;
	}
	if (p->ntok > 3) {
		CFG_ERROR(p, "console: too many arguments (expected: console PORT [BAUD])");
		return;
	}
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (strcmp(p->tok[1], ports[i].port) == 0)
			port = &ports[i];
	}
	if (!port) {
		CFG_ERROR(p, "console: unknown port '%.48s' (expected com1..com4)",
			  p->tok[1]);
		return;
	}
	con = *port;
	if (p->ntok == 3) {
		if (cfg_parse_u32(p->tok[2], &con.baud) != 0 || con.baud < 300 ||
		    con.baud > 115200 || 115200 % con.baud != 0) {
			CFG_ERROR(p, "console: bad baud '%.48s' (must divide 115200, 300 or more)",
				  p->tok[2]);
			return;
		}
	}
	p->c->console = con;
}

static void cfg_log_line(struct cfg_parser *p)
{
	enum log_level lvl;

	if (p->ntok < 2) {
		CFG_ERROR(p, "log: missing level (expected error, warn, info or debug)");
		return;
	}
	if (p->ntok > 2) {
		CFG_ERROR(p, "log: too many arguments (expected: log LEVEL)");
		return;
	}
	if (log_level_parse(p->tok[1], &lvl) != 0) {
		CFG_ERROR(p, "log: unknown level '%.48s' (expected error, warn, info or debug)",
			  p->tok[1]);
		return;
	}
	p->c->log_level = lvl;
}

static void cfg_debug_exit_line(struct cfg_parser *p)
{
	if (p->ntok < 2) {
		CFG_ERROR(p, "debug-exit: missing value (expected on or off)");
		return;
	}
	if (p->ntok > 2) {
		CFG_ERROR(p, "debug-exit: too many arguments (expected: debug-exit on|off)");
		return;
	}
	if (strcmp(p->tok[1], "on") == 0) {
		p->c->debug_exit = true;
	} else if (strcmp(p->tok[1], "off") == 0) {
		p->c->debug_exit = false;
	} else {
		CFG_ERROR(p, "debug-exit: bad value '%.48s' (expected on or off)",
			  p->tok[1]);
	}
}

static bool cfg_vm_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CFG_VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static void cfg_vm_line(struct cfg_parser *p)
{
	struct keel_config *c = p->c;
	struct cfg_vm *vm;
	size_t bytes;
	char *str;
	int argc;

	if (p->ntok < 2) {
		CFG_ERROR(p, "vm: missing name (expected: vm NAME OPTIONS...)");
		return;
	}
	if (!cfg_vm_name_ok(p->tok[1])) {
		CFG_ERROR(p, "vm: bad name '%.48s' (expected 1 to 31 of A-Z a-z 0-9 _ -)",
			  p->tok[1]);
		return;
	}
	for (int i = 0; i < c->nvms; i++) {
		if (strcmp(c->vms[i].name, p->tok[1]) == 0) {
			CFG_ERROR(p, "vm: duplicate name '%s' (first defined on line %d)",
				  p->tok[1], c->vms[i].line);
			return;
		}
	}
	if (c->nvms == CONFIG_MAX_VMS) {
		CFG_ERROR(p, "vm: too many vms (max %d)", CONFIG_MAX_VMS);
		return;
	}

	/* One block: the pointer array, then the strings. */
	argc = p->ntok - 2;
	bytes = (size_t)(argc + 1) * sizeof(char *);
	for (int i = 0; i < argc; i++)
		bytes += strlen(p->tok[i + 2]) + 1;
	vm = &c->vms[c->nvms];
	vm->argv = malloc(bytes);
	if (!vm->argv) {
		CFG_ERROR(p, "vm: out of memory");
		return;
	}
	str = (char *)(vm->argv + argc + 1);
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(p->tok[i + 2]) + 1;

		memcpy(str, p->tok[i + 2], n);
		vm->argv[i] = str;
		str += n;
	}
	vm->argv[argc] = NULL;
	vm->argc = argc;
	vm->line = p->line;
	memcpy(vm->name, p->tok[1], strlen(p->tok[1]) + 1);
	c->nvms++;
}

static void cfg_line(struct cfg_parser *p, const char *s, size_t n)
{
	if (memchr(s, '\0', n)) {
		CFG_ERROR(p, "NUL byte in line");
		return;
	}
	if (n > CONFIG_MAX_LINE) {
		CFG_ERROR(p, "line too long (%zu characters, max %d)", n,
			  CONFIG_MAX_LINE);
		return;
	}
	if (cfg_tokenize(p, s, n) != 0) {
		CFG_ERROR(p, "unterminated quote");
		return;
	}
	if (p->ntok == 0)
		return;
	if (strcmp(p->tok[0], "console") == 0)
		cfg_console_line(p);
	else if (strcmp(p->tok[0], "log") == 0)
		cfg_log_line(p);
	else if (strcmp(p->tok[0], "debug-exit") == 0)
		cfg_debug_exit_line(p);
	else if (strcmp(p->tok[0], "vm") == 0)
		cfg_vm_line(p);
	else
		CFG_ERROR(p, "unknown directive '%.48s' (expected console, log, debug-exit or vm)",
			  p->tok[0]);
}

int config_parse(struct keel_config *c, const char *text, size_t len,
		 void (*diag)(void *ctx, int line, const char *msg), void *ctx)
{
	struct cfg_parser *p = malloc(sizeof(*p));
	size_t pos = 0;
	int errors;

	if (!p) {
		if (diag)
			diag(ctx, 0, "config: out of memory");
		return 1;
	}
	p->c = c;
	p->diag = diag;
	p->ctx = ctx;
	p->line = 0;
	p->errors = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* UTF-8 byte order mark, as some editors write */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;

		if (n > 0 && text[end - 1] == '\r')
			n--; /* CRLF files */
		p->line++;
		cfg_line(p, text + pos, n);
		pos = end + 1;
	}
	errors = p->errors;
	free(p);
	return errors;
}

void config_free(struct keel_config *c)
{
	for (int i = 0; i < c->nvms; i++) {
		free(c->vms[i].argv);
		c->vms[i].argv = NULL;
		c->vms[i].argc = 0;
	}
	c->nvms = 0;
}

const char *cfg_vm_opt(const struct cfg_vm *vm, const char *opt)
{
	const char *found = NULL;

	if (opt[0] == '-' && opt[1] == '-')
		opt++;
	for (int i = 0; i + 1 < vm->argc; i++) {
		const char *a = vm->argv[i];

		if (a[0] == '-' && a[1] == '-')
			a++;
		if (strcmp(a, opt) == 0)
			found = vm->argv[++i];
	}
	return found;
}

/* The k-th file option of the config, vm by vm; NULL if unset or empty. */
static const char *cfg_file_at(const struct keel_config *c, int k)
{
	static const char *const opts[] = { "-kernel", "-initrd", "-bios" };
	const char *f = cfg_vm_opt(&c->vms[k / 3], opts[k % 3]);

	return f && f[0] ? f : NULL;
}

int config_files(const struct keel_config *c, const char **paths, int max)
{
	int n = 0;

	for (int k = 0; k < c->nvms * 3 && n < max; k++) {
		const char *f = cfg_file_at(c, k);
		bool seen = false;

		for (int j = 0; f && j < k && !seen; j++) {
			const char *g = cfg_file_at(c, j);

			seen = g && strcmp(f, g) == 0;
		}
		if (f && !seen)
			paths[n++] = f;
	}
	return n;
}
