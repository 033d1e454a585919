/*
 * tests/unit/fake_ram.h - a fake guest RAM behind a hw_env, for loader
 * tests. The RAM is one malloc'd block starting at guest-physical 0; it
 * is reached by the code under test only through env->mem_read/mem_write,
 * which refuse any range that is not wholly inside it. Tests read it back
 * directly (r->mem) with the little-endian helpers below.
 */
#ifndef KEEL_TESTS_FAKE_RAM_H
#define KEEL_TESTS_FAKE_RAM_H

#include <errno.h>  /* EFAULT */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h> /* malloc, free */
#include <string.h> /* memcpy, memset */

#include "hw/hw_env.h" /* struct hw_env */

#define FAKE_RAM_FILL 0xaa /* garbage, so zeroing is visible */

struct fake_ram {
	uint8_t *mem;
	uint64_t size;
};

static inline int fake_ram_read(void *opaque, uint64_t gpa, void *buf,
				size_t len)
{
	const struct fake_ram *r = opaque;

	if (gpa > r->size || len > r->size - gpa)
		return -EFAULT;
	memcpy(buf, r->mem + gpa, len);
	return 0;
}

static inline int fake_ram_write(void *opaque, uint64_t gpa, const void *buf,
				 size_t len)
{
	struct fake_ram *r = opaque;

	if (gpa > r->size || len > r->size - gpa)
		return -EFAULT;
	memcpy(r->mem + gpa, buf, len);
	return 0;
}

/* size bytes filled with FAKE_RAM_FILL; env gets only the memory hooks. */
static inline int fake_ram_init(struct fake_ram *r, struct hw_env *env,
				uint64_t size)
{
	r->mem = malloc(size);
	if (!r->mem)
		return -ENOMEM;
	r->size = size;
	memset(r->mem, FAKE_RAM_FILL, size);
	memset(env, 0, sizeof(*env));
	env->mem_read = fake_ram_read;
	env->mem_write = fake_ram_write;
	env->mem_opaque = r;
	return 0;
}

static inline void fake_ram_free(struct fake_ram *r)
{
	free(r->mem);
	r->mem = NULL;
	r->size = 0;
}

/* ---- little-endian access to images and RAM ----------------------------- */

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static inline uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
