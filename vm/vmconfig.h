/* vm/vmconfig.h - a VM's settings from QEMU-style options, as written on a
 * `vm NAME ...` line of keel.cfg or typed at `create`. */
#ifndef KEEL_VM_VMCONFIG_H
#define KEEL_VM_VMCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_config {
	uint64_t ram_mib;   /* -m, default 128 */
	unsigned int smp;   /* -smp, default 1 */
	const char *kernel; /* -kernel: a bzImage or a Multiboot 1 kernel */
	const char *initrd; /* -initrd */
	const char *append; /* -append */
	bool autostart;     /* -autostart: start at boot */
};

/* Parses argv[0..argc) (the options after the VM's name). On error returns
 * -1 and writes "option: what is wrong" into why; *c keeps the defaults for
 * anything not parsed. Strings point into argv. */
int vm_config_parse(struct vm_config *c, int argc, char **argv, char *why, size_t whylen);

#endif
