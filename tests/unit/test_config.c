/* Unit tests for boot/config.c: the keel.cfg parser. */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/config.h"

struct diags {
	int n;
	int line[64];
	char msg[64][256];
};

struct fixture {
	struct keel_config c;
	struct diags d;
};

static void collect(void *ctx, int line, const char *msg)
{
	struct diags *d = ctx;

	assert_true(d->n < 64);
	d->line[d->n] = line;
	snprintf(d->msg[d->n], sizeof(d->msg[0]), "%s", msg);
	d->n++;
}

static int parse(struct fixture *f, const char *text)
{
	return config_parse(&f->c, text, strlen(text), collect, &f->d);
}

static void expect_diag(const struct fixture *f, int i, int line, const char *msg)
{
	assert_true(i < f->d.n);
	assert_string_equal(f->d.msg[i], msg);
	assert_int_equal(f->d.line[i], line);
}

static void expect_argv(const struct cfg_vm *vm, int argc, const char *const *argv)
{
	assert_int_equal(vm->argc, argc);
	for (int i = 0; i < argc; i++)
		assert_string_equal(vm->argv[i], argv[i]);
	assert_null(vm->argv[argc]);
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	config_defaults(&f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(&f->c);
	test_free(f);
	return 0;
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->c.console.port, "com1");
	assert_int_equal(f->c.console.io_base, 0x3f8);
	assert_int_equal(f->c.console.irq, 4);
	assert_int_equal(f->c.console.baud, 115200);
	assert_int_equal(f->c.log_level, LOG_INFO);
	assert_false(f->c.debug_exit);
	assert_int_equal(f->c.nvms, 0);
	/* An empty file, or only comments, changes nothing. */
	assert_int_equal(parse(f, ""), 0);
	assert_int_equal(parse(f, "\n\n   \t\n# nothing here\n   # nor here"), 0);
	assert_int_equal(f->d.n, 0);
	assert_string_equal(f->c.console.port, "com1");
	assert_int_equal(f->c.nvms, 0);
}

static void test_good_file(void **state)
{
	struct fixture *f = *state;
	static const char *const a0[] = {
		"-m", "256", "-kernel", "bzImage", "-initrd", "initrd.cpio",
		"-append", "console=ttyS0 quiet",
	};
	static const char *const a1[] = { "-kernel", "tests/hlt.elf", "-smp", "2" };
	const char *text =
		"\xef\xbb\xbf# keel.cfg for the lab box\n"
		"console com2 9600   # slow line\n"
		"\n"
		"log\tdebug\r\n"
		"debug-exit on\n"
		"vm linux -m 256 -kernel bzImage -initrd initrd.cpio \\\n"
		"vm_2 ignored-arg\n"
		"  vm guest-A -m 256 -kernel bzImage -initrd initrd.cpio -append \"console=ttyS0 quiet\"\n"
		"vm Test_1 -kernel tests/hlt.elf -smp 2";

	assert_int_equal(parse(f, text), 1);
	/* A backslash at the end is not a line continuation. */
	expect_diag(f, 0, 7, "unknown directive 'vm_2' (expected console, log, debug-exit or vm)");
	assert_string_equal(f->c.console.port, "com2");
	assert_int_equal(f->c.console.io_base, 0x2f8);
	assert_int_equal(f->c.console.irq, 3);
	assert_int_equal(f->c.console.baud, 9600);
	assert_int_equal(f->c.log_level, LOG_DEBUG);
	assert_true(f->c.debug_exit);
	assert_int_equal(f->c.nvms, 3);
	assert_string_equal(f->c.vms[0].name, "linux");
	assert_int_equal(f->c.vms[0].line, 6);
	assert_string_equal(f->c.vms[0].argv[6], "\\");
	assert_string_equal(f->c.vms[1].name, "guest-A");
	assert_int_equal(f->c.vms[1].line, 8);
	expect_argv(&f->c.vms[1], 8, a0);
	assert_string_equal(f->c.vms[2].name, "Test_1");
	assert_int_equal(f->c.vms[2].line, 9);
	expect_argv(&f->c.vms[2], 4, a1);
}

static void test_console_ports(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "console com3"), 0);
	assert_int_equal(f->c.console.io_base, 0x3e8);
	assert_int_equal(f->c.console.irq, 4);
	assert_int_equal(f->c.console.baud, 115200);
	assert_int_equal(parse(f, "console com4 300"), 0);
	assert_string_equal(f->c.console.port, "com4");
	assert_int_equal(f->c.console.io_base, 0x2e8);
	assert_int_equal(f->c.console.irq, 3);
	assert_int_equal(f->c.console.baud, 300);
	assert_int_equal(parse(f, "console com1 57600\nconsole com2 115200"), 0);
	assert_int_equal(f->c.console.io_base, 0x2f8);
	assert_int_equal(f->c.console.baud, 115200);
	assert_int_equal(parse(f, "console com1 14400"), 0); /* 115200 / 8 */
	assert_int_equal(f->c.console.baud, 14400);
}

static void test_console_errors(void **state)
{
	struct fixture *f = *state;
	const char *text =
		"console com2 38400\n"
		"console com9\n"
		"console com1 1234\n"
		"console com1 100\n"
		"console com1 230400\n"
		"console com1 9600x\n"
		"console com1 -9600\n"
		"console\n"
		"console com1 9600 8n1\n"
		"console COM1\n"
		"console com1 99999999999999999999\n";

	assert_int_equal(parse(f, text), 10);
	expect_diag(f, 0, 2, "console: unknown port 'com9' (expected com1..com4)");
	expect_diag(f, 1, 3, "console: bad baud '1234' (must divide 115200, 300 or more)");
	expect_diag(f, 2, 4, "console: bad baud '100' (must divide 115200, 300 or more)");
	expect_diag(f, 3, 5, "console: bad baud '230400' (must divide 115200, 300 or more)");
	expect_diag(f, 4, 6, "console: bad baud '9600x' (must divide 115200, 300 or more)");
	expect_diag(f, 5, 7, "console: bad baud '-9600' (must divide 115200, 300 or more)");
	expect_diag(f, 6, 8, "console: missing port (expected com1..com4)");
	expect_diag(f, 7, 9, "console: too many arguments (expected: console PORT [BAUD])");
	expect_diag(f, 8, 10, "console: unknown port 'COM1' (expected com1..com4)");
	expect_diag(f, 9, 11, "console: bad baud '99999999999999999999' (must divide 115200, 300 or more)");
	/* Every bad line left the console from line 1 alone, port and baud. */
	assert_string_equal(f->c.console.port, "com2");
	assert_int_equal(f->c.console.io_base, 0x2f8);
	assert_int_equal(f->c.console.irq, 3);
	assert_int_equal(f->c.console.baud, 38400);
}

static void test_log_and_debug_exit_errors(void **state)
{
	struct fixture *f = *state;
	const char *text =
		"log warn\n"
		"log verbose\n"
		"log\n"
		"log info debug\n"
		"debug-exit on\n"
		"debug-exit yes\n"
		"debug-exit\n"
		"debug-exit on off\n"
		"debugexit on\n";

	assert_int_equal(parse(f, text), 7);
	expect_diag(f, 0, 2, "log: unknown level 'verbose' (expected error, warn, info or debug)");
	expect_diag(f, 1, 3, "log: missing level (expected error, warn, info or debug)");
	expect_diag(f, 2, 4, "log: too many arguments (expected: log LEVEL)");
	expect_diag(f, 3, 6, "debug-exit: bad value 'yes' (expected on or off)");
	expect_diag(f, 4, 7, "debug-exit: missing value (expected on or off)");
	expect_diag(f, 5, 8, "debug-exit: too many arguments (expected: debug-exit on|off)");
	expect_diag(f, 6, 9, "unknown directive 'debugexit' (expected console, log, debug-exit or vm)");
	assert_int_equal(f->c.log_level, LOG_WARN);
	assert_true(f->c.debug_exit);
	assert_int_equal(parse(f, "debug-exit off\nlog error"), 0);
	assert_false(f->c.debug_exit);
	assert_int_equal(f->c.log_level, LOG_ERR);
}

static void test_defaults_kept_after_bad_lines(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "console com7 9600\nlog loud\ndebug-exit maybe\nvm\n"), 4);
	assert_int_equal(f->d.n, 4);
	assert_string_equal(f->c.console.port, "com1");
	assert_int_equal(f->c.console.baud, 115200);
	assert_int_equal(f->c.log_level, LOG_INFO);
	assert_false(f->c.debug_exit);
	assert_int_equal(f->c.nvms, 0);
	expect_diag(f, 3, 4, "vm: missing name (expected: vm NAME OPTIONS...)");
}

static void test_quotes_and_comments(void **state)
{
	struct fixture *f = *state;
	static const char *const a0[] = {
		"-append", "a \"quoted\" word \\ and \\n stays",
		"-drive", "file=my disk.img,format=raw",
		"", "#not a comment", "x",
	};
	const char *text =
		"vm q -append \"a \\\"quoted\\\" word \\\\ and \\n stays\""
		" -drive file=\"my disk.img\",format=raw \"\" \"#not a comment\""
		" x#comment\ty\n" /* not reached: the comment ate y */
		"vm r a\"b c\"d   # trailing comment \"with quote\n"
		"vm s \"unterminated\n"
		"vm t \"a\\\"\n"
		"log debug#comment right after\n";

	assert_int_equal(parse(f, text), 2);
	expect_diag(f, 0, 3, "unterminated quote");
	expect_diag(f, 1, 4, "unterminated quote"); /* \" does not close */
	assert_int_equal(f->c.nvms, 2);
	expect_argv(&f->c.vms[0], 7, a0);
	assert_int_equal(f->c.vms[1].argc, 1);
	assert_string_equal(f->c.vms[1].argv[0], "ab cd");
	assert_int_equal(f->c.log_level, LOG_DEBUG);
}

static void test_nul_and_long_lines(void **state)
{
	struct fixture *f = *state;
	char text[3000];
	size_t n = 0;

	n += (size_t)sprintf(text + n, "log debug\n");
	memcpy(text + n, "log e\0rror\n", 11); /* line 2 */
	n += 11;
	/* line 3: exactly 1024 characters (with CRLF): fine */
	n += (size_t)sprintf(text + n, "vm long ");
	memset(text + n, 'k', 1024 - 8);
	n += 1024 - 8;
	n += (size_t)sprintf(text + n, "\r\n");
	/* line 4: 1025 characters: too long */
	n += (size_t)sprintf(text + n, "vm toolong ");
	memset(text + n, 'k', 1025 - 11);
	n += 1025 - 11;
	n += (size_t)sprintf(text + n, "\ndebug-exit on\n");

	assert_int_equal(config_parse(&f->c, text, n, collect, &f->d), 2);
	expect_diag(f, 0, 2, "NUL byte in line");
	expect_diag(f, 1, 4, "line too long (1025 characters, max 1024)");
	assert_int_equal(f->c.log_level, LOG_DEBUG);
	assert_int_equal(f->c.nvms, 1);
	assert_string_equal(f->c.vms[0].name, "long");
	assert_int_equal(strlen(f->c.vms[0].argv[0]), 1024 - 8);
	assert_true(f->c.debug_exit); /* parsing went on */

	/* len bounds the text: the part after it is never read. */
	assert_int_equal(config_parse(&f->c, "log warn\nlog bogus", 9, collect, &f->d), 0);
	assert_int_equal(f->c.log_level, LOG_WARN);

	/* The worst case for the tokenizer: 512 one-letter tokens. */
	memcpy(text, "vm", 2);
	for (int i = 2; i < 1024; i += 2)
		memcpy(text + i, " z", 2);
	assert_int_equal(config_parse(&f->c, text, 1024, collect, &f->d), 0);
	assert_int_equal(f->c.vms[1].argc, 510);
}

static void test_vm_names(void **state)
{
	struct fixture *f = *state;
	const char *text =
		"vm a1 -kernel k\n"
		"vm bad.name -kernel k\n"
		"vm \"\" -kernel k\n"
		"vm abcdefghijklmnopqrstuvwxyz01234 -kernel k\n" /* 31: fine */
		"vm abcdefghijklmnopqrstuvwxyz012345 -kernel k\n" /* 32 */
		"\n"
		"vm a1 -kernel other\n"
		"vm A1\n"
		"vm sp\"ace x\"\n";

	assert_int_equal(parse(f, text), 5);
	expect_diag(f, 0, 2, "vm: bad name 'bad.name' (expected 1 to 31 of A-Z a-z 0-9 _ -)");
	expect_diag(f, 1, 3, "vm: bad name '' (expected 1 to 31 of A-Z a-z 0-9 _ -)");
	expect_diag(f, 2, 5, "vm: bad name 'abcdefghijklmnopqrstuvwxyz012345' (expected 1 to 31 of A-Z a-z 0-9 _ -)");
	expect_diag(f, 3, 7, "vm: duplicate name 'a1' (first defined on line 1)");
	expect_diag(f, 4, 9, "vm: bad name 'space x' (expected 1 to 31 of A-Z a-z 0-9 _ -)");
	assert_int_equal(f->c.nvms, 3);
	assert_string_equal(f->c.vms[0].name, "a1");
	assert_string_equal(f->c.vms[0].argv[1], "k"); /* not "other" */
	assert_string_equal(f->c.vms[1].name, "abcdefghijklmnopqrstuvwxyz01234");
	assert_string_equal(f->c.vms[2].name, "A1"); /* names are case-sensitive */
	assert_int_equal(f->c.vms[2].argc, 0);
	assert_null(f->c.vms[2].argv[0]);

	/* A second parse adds to the first, and duplicates span both. */
	assert_int_equal(parse(f, "vm z\nvm A1 -m 64\n"), 1);
	expect_diag(f, 5, 2, "vm: duplicate name 'A1' (first defined on line 8)");
	assert_int_equal(f->c.nvms, 4);
}

static void test_too_many_vms(void **state)
{
	struct fixture *f = *state;
	char text[1024];
	size_t n = 0;

	for (int i = 0; i < CONFIG_MAX_VMS + 2; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "vm v%d -m %d\n", i, i);
	assert_int_equal(parse(f, text), 2);
	expect_diag(f, 0, 17, "vm: too many vms (max 16)");
	expect_diag(f, 1, 18, "vm: too many vms (max 16)");
	assert_int_equal(f->c.nvms, CONFIG_MAX_VMS);
	assert_string_equal(f->c.vms[15].name, "v15");
	assert_string_equal(f->c.vms[15].argv[1], "15");

	config_free(&f->c);
	assert_int_equal(f->c.nvms, 0);
	assert_int_equal(parse(f, "vm v0"), 0); /* the name is free again */
}

static void test_vm_opt(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
		"vm a -kernel k1 -append \"-initrd x\" -kernel k2 -initrd\n"
		"vm b --kernel k3 -m 64 -bios\n"), 0);
	assert_string_equal(cfg_vm_opt(&f->c.vms[0], "-kernel"), "k2"); /* last wins */
	assert_string_equal(cfg_vm_opt(&f->c.vms[0], "-append"), "-initrd x");
	assert_null(cfg_vm_opt(&f->c.vms[0], "-initrd")); /* no value after it */
	assert_null(cfg_vm_opt(&f->c.vms[0], "-bios"));
	assert_string_equal(cfg_vm_opt(&f->c.vms[1], "-kernel"), "k3");
	assert_string_equal(cfg_vm_opt(&f->c.vms[1], "--m"), "64");
	assert_null(cfg_vm_opt(&f->c.vms[1], "-bios"));
	assert_null(cfg_vm_opt(&f->c.vms[1], "-kern"));
}

static void test_config_files(void **state)
{
	struct fixture *f = *state;
	const char *paths[8];

	assert_int_equal(parse(f,
		"vm a -kernel bzImage -initrd root.cpio -m 256\n"
		"vm b -bios seabios.bin -kernel bzImage -initrd other.cpio\n"
		"vm c -m 64 -append \"-kernel fake\"\n"
		"vm d -kernel \"\" -initrd root.cpio -bios seabios.bin\n"
		"vm e -kernel hlt.elf -kernel mb.elf\n"), 0);
	assert_int_equal(config_files(&f->c, paths, 8), 5);
	assert_string_equal(paths[0], "bzImage");
	assert_string_equal(paths[1], "root.cpio");
	assert_string_equal(paths[2], "other.cpio");
	assert_string_equal(paths[3], "seabios.bin");
	assert_string_equal(paths[4], "mb.elf"); /* hlt.elf is overridden */

	/* Too small an array: filled as far as it goes, never past max. */
	paths[2] = NULL;
	assert_int_equal(config_files(&f->c, paths, 2), 2);
	assert_string_equal(paths[0], "bzImage");
	assert_string_equal(paths[1], "root.cpio");
	assert_null(paths[2]);
	assert_int_equal(config_files(&f->c, NULL, 0), 0);

	config_free(&f->c);
	assert_int_equal(config_files(&f->c, paths, 8), 0);

	/* The most there can be: three per vm. */
	const char *all[CONFIG_MAX_FILES + 1];
	char text[2048];
	size_t n = 0;

	for (int i = 0; i < CONFIG_MAX_VMS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "vm v%d -kernel k%d -initrd i%d -bios b%d\n", i, i, i, i);
	assert_int_equal(parse(f, text), 0);
	assert_int_equal(config_files(&f->c, all, CONFIG_MAX_FILES + 1), CONFIG_MAX_FILES);
	assert_string_equal(all[0], "k0");
	assert_string_equal(all[CONFIG_MAX_FILES - 1], "b15");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_and_debug_exit_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_kept_after_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotes_and_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_and_long_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_vms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_opt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_files, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
