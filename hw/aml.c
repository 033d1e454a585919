/*
 * hw/aml.c - ACPI Machine Language writer, after ACPI 6.4 section 20.2
 * (AML grammar). See hw/aml.h.
 */
#include "hw/aml.h"

#include <errno.h>  /* ENOSPC */
#include <string.h> /* memmove */

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->overflow = false;
}

long aml_finish(const struct aml *a)
{
	return a->overflow ? -ENOSPC : (long)a->len;
}

void aml_byte(struct aml *a, uint8_t b)
{
	if (a->overflow || a->len >= a->cap) {
		a->overflow = true;
		return;
	}
	a->buf[a->len++] = b;
}

static void aml_le(struct aml *a, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

static bool aml_lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool aml_name_char(char c)
{
	return aml_lead_char(c) || (c >= '0' && c <= '9');
}

/* One NameSeg (section 20.2.2): LeadNameChar then NameChars, '_'-padded. */
static const char *aml_seg(struct aml *a, const char *p)
{
	unsigned int n = 0;

	if (!aml_lead_char(*p)) {
		a->overflow = true;
		return p;
	}
	while (n < 4 && aml_name_char(p[n])) {
		aml_byte(a, (uint8_t)p[n]);
		n++;
	}
	for (unsigned int i = n; i < 4; i++)
		aml_byte(a, '_');
	if (p[n] != '\0' && p[n] != '.')
		a->overflow = true;     /* a fifth or a bad character */
	return p + n;
}

void aml_name(struct aml *a, const char *name)
{
	const char *p = name;
	unsigned int segs = 1;

	if (*p == '\\') {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
	}
	for (const char *q = p; *q; q++)
		if (*q == '.')
			segs++;
	/* DualNamePrefix / MultiNamePrefix for paths (section 20.2.2) */
	if (segs == 2) {
		aml_byte(a, 0x2e);
	} else if (segs > 2) {
		aml_byte(a, 0x2f);
		aml_byte(a, (uint8_t)segs);
	}
	for (unsigned int i = 0; i < segs; i++) {
		p = aml_seg(a, p);
		if (*p == '.')
			p++;
	}
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
	} else if (v == 1) {
		aml_byte(a, AML_ONE_OP);
	} else if (v == UINT64_MAX) {
		aml_byte(a, AML_ONES_OP);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffffu) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

void aml_name_decl(struct aml *a, const char *name)
{
	aml_byte(a, AML_NAME_OP);
	aml_name(a, name);
}

static int aml_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = 0;

	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			a->overflow = true;
			return;
		}
		v = (v << 5) | (uint32_t)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		int h = aml_hex(id[i]);

		if (h < 0) {
			a->overflow = true;
			return;
		}
		v = (v << 4) | (uint32_t)h;
	}
	if (id[7] != '\0') {
		a->overflow = true;
		return;
	}
	/* the 32-bit ID is stored big-endian, as a DWord constant */
	aml_byte(a, AML_DWORD_PREFIX);
	aml_byte(a, (uint8_t)(v >> 24));
	aml_byte(a, (uint8_t)(v >> 16));
	aml_byte(a, (uint8_t)(v >> 8));
	aml_byte(a, (uint8_t)v);
}

/* Reserve one PkgLength byte; aml_close() grows it if needed. */
static size_t aml_pkg_reserve(struct aml *a)
{
	size_t mark = a->len;

	aml_byte(a, 0);
	return mark;
}

size_t aml_package_open(struct aml *a, uint8_t nelem)
{
	size_t mark;

	aml_byte(a, AML_PACKAGE_OP);
	mark = aml_pkg_reserve(a);
	aml_byte(a, nelem);
	return mark;
}

size_t aml_scope_open(struct aml *a, const char *name)
{
	size_t mark;

	aml_byte(a, AML_SCOPE_OP);
	mark = aml_pkg_reserve(a);
	aml_name(a, name);
	return mark;
}

size_t aml_device_open(struct aml *a, const char *name)
{
	size_t mark;

	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	mark = aml_pkg_reserve(a);
	aml_name(a, name);
	return mark;
}

/*
 * PkgLength (section 20.2.4) counts itself and what follows. Lengths
 * below 64 fit the lead byte; longer ones put their low nibble in the lead
 * byte (bits 7:6 = number of following bytes) and the rest in 1-3 bytes.
 */
void aml_close(struct aml *a, size_t mark)
{
	size_t body, total;
	unsigned int extra;

	if (a->overflow || mark >= a->len)
		return;
	body = a->len - mark - 1;
	if (body + 1 <= 0x3f)
		extra = 0;
	else if (body + 2 <= 0xfff)
		extra = 1;
	else if (body + 3 <= 0xfffff)
		extra = 2;
	else if (body + 4 <= AML_PKG_MAX)
		extra = 3;
	else {
		a->overflow = true;
		return;
	}
	total = body + 1 + extra;
	if (extra) {
		if (a->cap - a->len < extra) {
			a->overflow = true;
			return;
		}
		memmove(&a->buf[mark + 1 + extra], &a->buf[mark + 1], body);
		a->len += extra;
		a->buf[mark] = (uint8_t)((extra << 6) | (total & 0x0f));
		for (unsigned int i = 0; i < extra; i++)
			a->buf[mark + 1 + i] = (uint8_t)(total >> (4 + 8 * i));
	} else {
		a->buf[mark] = (uint8_t)total;
	}
}
