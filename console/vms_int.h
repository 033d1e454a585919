/* console/vms_int.h - the VMs keel manages, shared by the lifecycle code
 * (vms.c, runs on the VMs' CPUs) and the console commands (vms_cmds.c,
 * runs on the console CPU). */
#ifndef CONSOLE_VMS_INT_H
#define CONSOLE_VMS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "boot/bootinfo.h"
#include "boot/config.h"
#include "console/outring.h"
#include "hw/pc.h"
#include "vm/sched.h"
#include "vm/vcpu.h"
#include "vm/vmconfig.h"

#define MAX_VMS CONFIG_MAX_VMS

/* A VM's life as the operator sees it. PAUSED is a running VM whose engine
 * is paused (vm->state); STOPPING waits for its CPU to tear it down. */
enum kvm_state { KVM_DEFINED, KVM_STARTING, KVM_RUNNING, KVM_STOPPING, KVM_STOPPED, KVM_CRASHED,
		 KVM_FAILED };

struct kvm {
	char name[CFG_VM_NAME_MAX + 1];
	struct vm_config cfg;
	char **argv;      /* the options, kept: vm_config points into them */
	char *arg_block;  /* their strings */
	const struct boot_file *kernel, *initrd;
	volatile enum kvm_state state;
	volatile bool destroy; /* forget it once its CPU has torn it down */
	uint32_t cpu;
	const char *backend;
	char accel_why[96]; /* why this backend */
	uint64_t exits_kept[VCPU_EXIT_REASONS]; /* summed over vCPUs when the VM ended */
	char why[160];
	uint64_t start_tsc, first_byte_tsc; /* start, and its first COM1 byte (0: none yet) */
	uint64_t overhead_bytes; /* heap and frames it took beyond guest RAM, at start */
	uint64_t caches_at_start; /* the translator's caches then (they grow) */
	uint64_t starts;
	bool midline; /* guest output: the console line it began is still open */
	char line[160]; /* a detached guest's line being collected */
	size_t line_len;
	uint64_t line_since; /* host ns when the line being collected began */
	volatile bool attached; /* the operator is at this VM's COM1 */
	/* Keystrokes for COM1: written by the console CPU, drained by the VM's
	 * CPU at each slice (devices are only touched on the VM's thread). */
	uint8_t in_ring[1024];
	volatile uint32_t in_head, in_tail;
	struct timerq_timer in_timer; /* retries while the UART FIFO is full */
	volatile int readers; /* console commands looking at vm/pc (see teardown) */
	struct vm *volatile vm;
	struct pc *volatile pc;
	struct sched_ent se;
	struct outring out;
};

extern struct kvm *kvms[MAX_VMS];
extern int nkvms;
extern struct sched vm_sched;

struct kvm *vms_find(const char *name);
const char *vms_state_name(const struct kvm *k);
/* Defines a VM from its options (argv[0] is the first option); the line
 * number is for messages (0: typed at the console). NULL on error, with
 * the reason in why. */
struct kvm *vms_define(const char *name, int argc, char **argv, int line, char *why, size_t n);
/* Lifecycle requests from the console; 0 or -1 with a message printed. */
int vms_start(struct kvm *k);
int vms_stop(struct kvm *k);
int vms_reset(struct kvm *k);
int vms_pause(struct kvm *k, bool pause);
int vms_destroy(struct kvm *k);
/* Keystroke path for `console NAME`. */
void vms_input(struct kvm *k, uint8_t c);
uint64_t vms_now_ns(void);
/* Bytes in a translator VM's caches now; 0 for VT-x. */
uint64_t vms_tcg_caches(struct vm *vm);
void vms_cmds_register(void);

#endif
