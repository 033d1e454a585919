/* vm/gwalk.h - walk a guest's page tables to turn a linear address into a
 * guest-physical one, for the exit handlers that must read the instruction
 * or the string-I/O buffer a guest pointed at. */
#ifndef KEEL_VM_GWALK_H
#define KEEL_VM_GWALK_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

struct gwalk_regs {
	uint64_t cr0, cr3, cr4, efer;
};

/* 0 with *gpa set, or -EFAULT when the guest would take a page fault (not
 * present, or a write to a read-only page with CR0.WP... for supervisor
 * accesses only WP matters). Accessed/dirty bits are not updated. */
int gwalk(struct vm *vm, const struct gwalk_regs *r, uint64_t la, bool write, uint64_t *gpa);

/* Copies len bytes at linear address la out of the guest, page by page. */
int gwalk_read(struct vm *vm, const struct gwalk_regs *r, uint64_t la, void *buf, uint64_t len);

#endif
