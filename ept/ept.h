/* EPT paging structures (Intel SDM Vol. 3C §28.2; numbering as in
 * vmx/vmcs_fields.h): a 4-level table that translates guest-physical to
 * host-physical addresses with 4 KiB, 2 MiB and (where the CPU offers them)
 * 1 GiB pages.
 *
 * Pure code: tables are reached through the caller's phys_to_virt, and pages
 * come from its allocator, so the same file runs on the host over an arena.
 * After a change that removes or narrows a translation the caller must
 * INVEPT before the guest runs again.
 */
#ifndef EPT_EPT_H
#define EPT_EPT_H

#include <stdbool.h>
#include <stdint.h>

/* Permission bits of an EPT entry (Table 28-1..28-6, bits 2:0). */
#define EPT_R 1u
#define EPT_W 2u
#define EPT_X 4u
#define EPT_RWX 7u

/* EPT memory types (§28.2.6.1, bits 5:3 of a leaf). */
#define EPT_MT_UC 0u
#define EPT_MT_WC 1u
#define EPT_MT_WT 4u
#define EPT_MT_WP 5u
#define EPT_MT_WB 6u

/* Page sizes ept_map may use beyond 4 KiB. */
#define EPT_F_2M (1u << 0)    /* IA32_VMX_EPT_VPID_CAP bit 16 */
#define EPT_F_1G (1u << 1)    /* IA32_VMX_EPT_VPID_CAP bit 17 */
#define EPT_F_XONLY (1u << 2) /* execute-only entries allowed (bit 0) */

/* Leaf levels reported by ept_lookup. */
#define EPT_LEVEL_4K 1u
#define EPT_LEVEL_2M 2u
#define EPT_LEVEL_1G 3u

/* Guest-physical addresses a 4-level walk covers (48 bits). */
#define EPT_GPA_LIMIT (1ull << 48)

struct ept_ops {
	/* A zeroed, 4 KiB-aligned page; returns its physical address, 0 if none. */
	uint64_t (*alloc_page)(void *opaque);
	void (*free_page)(void *opaque, uint64_t pa);
	void *(*phys_to_virt)(void *opaque, uint64_t pa);
};

struct ept {
	uint64_t root; /* physical address of the PML4 */
	const struct ept_ops *ops;
	void *opaque;
	unsigned int flags;   /* EPT_F_* */
	uint64_t table_pages; /* paging-structure pages held, root included */
};

/* Allocate the root. Returns 0 or -ENOMEM. */
int ept_init(struct ept *e, const struct ept_ops *ops, void *opaque, unsigned int flags);
/* Free every paging-structure page, root included. */
void ept_fini(struct ept *e);

/* Map [gpa, gpa+len) to [hpa, hpa+len). All three 4 KiB aligned, len > 0.
 * perms: EPT_R/W/X (W needs R; X alone needs EPT_F_XONLY); memtype: EPT_MT_*.
 * Replaces whatever was mapped there; a large page partly covered is split
 * first. Returns 0, -EINVAL, or -ENOMEM (the range may then be partly
 * mapped; every page allocated stays owned by the table). */
int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int perms,
            unsigned int memtype);

/* Remove translations in [gpa, gpa+len), splitting large pages at the edges;
 * tables left empty are freed. Returns 0, -EINVAL or -ENOMEM (split). */
int ept_unmap(struct ept *e, uint64_t gpa, uint64_t len);

/* Translate one address. Returns 0 with *hpa (exact byte), *perms and *level
 * (EPT_LEVEL_*), or -ENOENT. Any out pointer may be NULL. */
int ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa, unsigned int *perms,
               unsigned int *level);
/* Same, plus the leaf's memory type. */
int ept_lookup_memtype(const struct ept *e, uint64_t gpa, unsigned int *memtype);

/* The EPT pointer (§24.6.11): WB (6) in bits 2:0, walk length - 1 (3) in
 * bits 5:3, bit 6 enables accessed/dirty flags. */
uint64_t ept_eptp(const struct ept *e, bool ad);

#endif
