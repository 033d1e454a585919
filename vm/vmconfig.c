/* QEMU-style VM options: the subset keel runs today, with QEMU's spelling
 * (qemu-system-x86_64 --help), so a user's command line carries over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vm/vmconfig.h"

#define VM_MIN_MIB 2
#define VM_MAX_MIB (1024 * 1024)
#define VM_MAX_SMP 64

static int size_mib(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'G' || *end == 'g')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int vm_config_parse(struct vm_config *c, int argc, char **argv, char *why, size_t n)
{
	*c = (struct vm_config){.ram_mib = 128, .smp = 1};
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		if (o[0] == '-' && o[1] == '-')
			o++;
		if (!strcmp(o, "-autostart")) {
			c->autostart = true;
			continue;
		}
		if (strcmp(o, "-m") && strcmp(o, "-smp") && strcmp(o, "-kernel") &&
		    strcmp(o, "-initrd") && strcmp(o, "-append")) {
			snprintf(why, n, "%s: unknown option (keel takes -m, -smp, -kernel, -initrd, "
					 "-append, -autostart)", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			snprintf(why, n, "%s: needs a value", argv[i]);
			return -1;
		}
		const char *v = argv[++i];
		if (!strcmp(o, "-m")) {
			if (size_mib(v, &c->ram_mib) || c->ram_mib < VM_MIN_MIB || c->ram_mib > VM_MAX_MIB) {
				snprintf(why, n, "-m: bad size '%s' (say 256, 256M or 1G; at least %d MiB)", v,
					 VM_MIN_MIB);
				return -1;
			}
		} else if (!strcmp(o, "-smp")) {
			char *end;
			unsigned long k = strtoul(v, &end, 10);
			if (end == v || (*end && *end != ',') || !k || k > VM_MAX_SMP) {
				snprintf(why, n, "-smp: bad CPU count '%s' (1..%d)", v, VM_MAX_SMP);
				return -1;
			}
			c->smp = (unsigned int)k;
		} else if (!strcmp(o, "-kernel"))
			c->kernel = v;
		else if (!strcmp(o, "-initrd"))
			c->initrd = v;
		else
			c->append = v;
	}
	if (c->initrd && !c->kernel) {
		snprintf(why, n, "-initrd: needs -kernel");
		return -1;
	}
	return 0;
}
