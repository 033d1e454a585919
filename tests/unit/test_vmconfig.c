/* QEMU-style VM options from keel.cfg `vm` lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vm/vmconfig.h"

static char why[128];

static int parse(struct vm_config *c, const char *line)
{
	static char buf[256];
	static char *argv[32];
	int argc = 0;
	strcpy(buf, line);
	for (char *p = strtok(buf, " "); p; p = strtok(NULL, " "))
		argv[argc++] = p;
	why[0] = 0;
	return vm_config_parse(c, argc, argv, why, sizeof(why));
}

static void test_defaults(void **s)
{
	(void)s;
	struct vm_config c;
	assert_int_equal(parse(&c, "-kernel k"), 0);
	assert_int_equal(c.ram_mib, 128);
	assert_int_equal(c.smp, 1);
	assert_string_equal(c.kernel, "k");
	assert_null(c.initrd);
	assert_false(c.autostart);
}

static void test_full_line(void **s)
{
	(void)s;
	struct vm_config c;
	assert_int_equal(parse(&c, "-m 256M -smp 2 -kernel vmlinuz -initrd initrd.gz -append console=ttyS0 -autostart"), 0);
	assert_int_equal(c.ram_mib, 256);
	assert_int_equal(c.smp, 2);
	assert_string_equal(c.initrd, "initrd.gz");
	assert_string_equal(c.append, "console=ttyS0");
	assert_true(c.autostart);
}

static void test_sizes(void **s)
{
	(void)s;
	struct vm_config c;
	assert_int_equal(parse(&c, "-m 1G"), 0);
	assert_int_equal(c.ram_mib, 1024);
	assert_int_equal(parse(&c, "-m 64"), 0);
	assert_int_equal(c.ram_mib, 64);
	assert_int_equal(parse(&c, "--smp 4,cores=4"), 0);
	assert_int_equal(c.smp, 4);
}

static void test_errors_name_the_option(void **s)
{
	(void)s;
	struct vm_config c;
	assert_int_equal(parse(&c, "-m lots"), -1);
	assert_non_null(strstr(why, "-m: bad size 'lots'"));
	assert_int_equal(parse(&c, "-m 1"), -1);
	assert_int_equal(parse(&c, "-smp 0"), -1);
	assert_non_null(strstr(why, "-smp"));
	assert_int_equal(parse(&c, "-smp 65"), -1);
	assert_int_equal(parse(&c, "-hda disk.img"), -1);
	assert_non_null(strstr(why, "-hda: unknown option"));
	assert_int_equal(parse(&c, "-kernel"), -1);
	assert_non_null(strstr(why, "-kernel: needs a value"));
	assert_int_equal(parse(&c, "-initrd i"), -1);
	assert_non_null(strstr(why, "-initrd: needs -kernel"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_errors_name_the_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
