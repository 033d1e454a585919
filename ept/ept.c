/* EPT paging structures (Intel SDM Vol. 3C §28.2; numbering as in
 * vmx/vmcs_fields.h).
 *
 *   §28.2.2  entry formats: PML4E (Table 28-1), PDPTE mapping 1 GiB (28-2)
 *            or a page directory (28-3), PDE mapping 2 MiB (28-4) or a page
 *            table (28-5), PTE (28-6)
 *   §28.2.3.1 misconfigurations: W without R, X alone without execute-only
 *            support, reserved memory types 2, 3, 7
 *   §24.6.11 the EPT pointer
 *
 * Tables are numbered here by how far they are from a 4 KiB page: level 0 is
 * a page table (entries map 4 KiB), 1 a page directory (2 MiB), 2 a PDPT
 * (1 GiB), 3 the PML4 (512 GiB, never a leaf).
 */
#include "ept/ept.h"

#include <errno.h>  /* EINVAL, ENOMEM, ENOENT */
#include <string.h> /* memset */

#define EPT_ENTRIES 512u
#define EPT_TOP 3u
#define EPT_E_MT_SHIFT 3
#define EPT_E_LARGE (1ull << 7)
#define EPT_E_ADDR 0x000ffffffffff000ull /* bits 51:12 */
#define EPT_HPA_LIMIT (1ull << 52)

static uint64_t *ept_table(const struct ept *e, uint64_t pa)
{
	return e->ops->phys_to_virt(e->opaque, pa);
}

static uint64_t ept_span(unsigned int l)
{
	return 1ull << (12 + 9 * l);
}

static unsigned int ept_index(uint64_t gpa, unsigned int l)
{
	return (unsigned int)(gpa >> (12 + 9 * l)) & (EPT_ENTRIES - 1);
}

static bool ept_present(uint64_t ent)
{
	return (ent & EPT_RWX) != 0;
}

static bool ept_is_leaf(uint64_t ent, unsigned int l)
{
	return l == 0 || (ent & EPT_E_LARGE);
}

/* May an entry of a level-l table map a page directly? */
static bool ept_leaf_ok(const struct ept *e, unsigned int l)
{
	return l == 0 || (l == 1 && (e->flags & EPT_F_2M)) || (l == 2 && (e->flags & EPT_F_1G));
}

static uint64_t ept_leaf(unsigned int l, uint64_t hpa, uint64_t attrs)
{
	return hpa | attrs | (l ? EPT_E_LARGE : 0);
}

/* A fresh table page, zeroed; 0 when the allocator is out. */
static uint64_t ept_new_table(struct ept *e)
{
	uint64_t pa = e->ops->alloc_page(e->opaque);

	if (!pa)
		return 0;
	memset(ept_table(e, pa), 0, 4096);
	e->table_pages++;
	return pa;
}

/* Free the level-l table at pa and every table below it. */
static void ept_free_table(struct ept *e, uint64_t pa, unsigned int l)
{
	uint64_t *t = ept_table(e, pa);
	unsigned int i;

	if (l > 0) {
		for (i = 0; i < EPT_ENTRIES; i++)
			if (ept_present(t[i]) && !ept_is_leaf(t[i], l))
				ept_free_table(e, t[i] & EPT_E_ADDR, l - 1);
	}
	e->ops->free_page(e->opaque, pa);
	e->table_pages--;
}

static bool ept_table_empty(const struct ept *e, uint64_t pa)
{
	const uint64_t *t = ept_table(e, pa);
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Replace the large-page entry *ent of a level-l table (l >= 1) by a table of
 * 512 smaller pages with the same translation, permissions and type. The
 * entry stays as it was if no page is left. */
static int ept_split(struct ept *e, uint64_t *ent, unsigned int l)
{
	uint64_t old = *ent, child, base, attrs, step;
	uint64_t *t;
	unsigned int i;

	child = ept_new_table(e);
	if (!child)
		return -ENOMEM;
	t = ept_table(e, child);
	step = ept_span(l - 1);
	base = old & EPT_E_ADDR & ~(ept_span(l) - 1);
	attrs = old & ~EPT_E_ADDR & ~EPT_E_LARGE;
	for (i = 0; i < EPT_ENTRIES; i++)
		t[i] = ept_leaf(l - 1, base + i * step, attrs);
	*ent = child | EPT_RWX;
	return 0;
}

/* The table an entry of a level-l table points to, made if needed. */
static int ept_child(struct ept *e, uint64_t *ent, unsigned int l, uint64_t *child)
{
	if (!ept_present(*ent)) {
		uint64_t pa = ept_new_table(e);

		if (!pa)
			return -ENOMEM;
		*ent = pa | EPT_RWX;
	} else if (ept_is_leaf(*ent, l)) {
		int err = ept_split(e, ent, l);

		if (err)
			return err;
	}
	*child = *ent & EPT_E_ADDR;
	return 0;
}

static int ept_map_range(struct ept *e, uint64_t tpa, unsigned int l, uint64_t gpa, uint64_t hpa,
                         uint64_t end, uint64_t attrs)
{
	uint64_t *t = ept_table(e, tpa);
	uint64_t span = ept_span(l);

	while (gpa < end) {
		uint64_t next = (gpa & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;
		uint64_t *ent = &t[ept_index(gpa, l)];
		uint64_t child;
		int err;

		if (ept_leaf_ok(e, l) && stop - gpa == span && !(hpa & (span - 1))) {
			if (ept_present(*ent) && !ept_is_leaf(*ent, l))
				ept_free_table(e, *ent & EPT_E_ADDR, l - 1);
			*ent = ept_leaf(l, hpa, attrs);
		} else {
			if ((err = ept_child(e, ent, l, &child)))
				return err;
			if ((err = ept_map_range(e, child, l - 1, gpa, hpa, stop, attrs)))
				return err;
		}
		hpa += stop - gpa;
		gpa = stop;
	}
	return 0;
}

static int ept_unmap_range(struct ept *e, uint64_t tpa, unsigned int l, uint64_t gpa, uint64_t end)
{
	uint64_t *t = ept_table(e, tpa);
	uint64_t span = ept_span(l);

	while (gpa < end) {
		uint64_t next = (gpa & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;
		uint64_t *ent = &t[ept_index(gpa, l)];
		uint64_t child;
		int err;

		if (!ept_present(*ent)) {
			/* nothing mapped here */
		} else if (stop - gpa == span) {
			if (!ept_is_leaf(*ent, l))
				ept_free_table(e, *ent & EPT_E_ADDR, l - 1);
			*ent = 0;
		} else {
			if ((err = ept_child(e, ent, l, &child)))
				return err;
			if ((err = ept_unmap_range(e, child, l - 1, gpa, stop)))
				return err;
			if (ept_table_empty(e, child)) {
				*ent = 0;
				e->ops->free_page(e->opaque, child);
				e->table_pages--;
			}
		}
		gpa = stop;
	}
	return 0;
}

int ept_init(struct ept *e, const struct ept_ops *ops, void *opaque, unsigned int flags)
{
	memset(e, 0, sizeof(*e));
	e->ops = ops;
	e->opaque = opaque;
	/* Splitting a 1 GiB page yields 2 MiB pages: offer 1G only with 2M. */
	e->flags = (flags & EPT_F_2M) ? flags : flags & ~EPT_F_1G;
	e->root = ept_new_table(e);
	return e->root ? 0 : -ENOMEM;
}

void ept_fini(struct ept *e)
{
	if (e->root)
		ept_free_table(e, e->root, EPT_TOP);
	e->root = 0;
}

/* Range checks shared by map and unmap. */
static bool ept_range_ok(uint64_t gpa, uint64_t len)
{
	return len && !(gpa & 0xfff) && !(len & 0xfff) && gpa < EPT_GPA_LIMIT &&
	       len <= EPT_GPA_LIMIT - gpa;
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, unsigned int perms,
            unsigned int memtype)
{
	if (!ept_range_ok(gpa, len) || (hpa & 0xfff) || hpa >= EPT_HPA_LIMIT ||
	    len > EPT_HPA_LIMIT - hpa)
		return -EINVAL;
	/* §28.2.3.1: these combinations are EPT misconfigurations. */
	if (!perms || (perms & ~EPT_RWX) || ((perms & EPT_W) && !(perms & EPT_R)) ||
	    (perms == EPT_X && !(e->flags & EPT_F_XONLY)))
		return -EINVAL;
	if (memtype == 2 || memtype == 3 || memtype > 6)
		return -EINVAL;
	return ept_map_range(e, e->root, EPT_TOP, gpa, hpa, gpa + len,
	                     perms | ((uint64_t)memtype << EPT_E_MT_SHIFT));
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t len)
{
	if (!ept_range_ok(gpa, len))
		return -EINVAL;
	return ept_unmap_range(e, e->root, EPT_TOP, gpa, gpa + len);
}

/* The leaf entry for gpa and its level (0..2), or 0 when unmapped. */
static uint64_t ept_walk(const struct ept *e, uint64_t gpa, unsigned int *lvl)
{
	uint64_t tpa = e->root;
	unsigned int l;

	if (gpa >= EPT_GPA_LIMIT)
		return 0;
	for (l = EPT_TOP;; l--) {
		uint64_t ent = ept_table(e, tpa)[ept_index(gpa, l)];

		if (!ept_present(ent))
			return 0;
		if (ept_is_leaf(ent, l)) {
			*lvl = l;
			return ent;
		}
		tpa = ent & EPT_E_ADDR;
	}
}

int ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa, unsigned int *perms,
               unsigned int *level)
{
	unsigned int l = 0;
	uint64_t ent = ept_walk(e, gpa, &l);
	uint64_t mask = ept_span(l) - 1;

	if (!ent)
		return -ENOENT;
	if (hpa)
		*hpa = (ent & EPT_E_ADDR & ~mask) | (gpa & mask);
	if (perms)
		*perms = (unsigned int)(ent & EPT_RWX);
	if (level)
		*level = l + 1;
	return 0;
}

int ept_lookup_memtype(const struct ept *e, uint64_t gpa, unsigned int *memtype)
{
	unsigned int l = 0;
	uint64_t ent = ept_walk(e, gpa, &l);

	if (!ent)
		return -ENOENT;
	*memtype = (unsigned int)(ent >> EPT_E_MT_SHIFT) & 7;
	return 0;
}

uint64_t ept_eptp(const struct ept *e, bool ad)
{
	return e->root | EPT_MT_WB | ((uint64_t)(4 - 1) << 3) | (ad ? 1ull << 6 : 0);
}
