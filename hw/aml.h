/*
 * hw/aml.h - a tiny writer of ACPI Machine Language byte code, enough for
 * the guest's DSDT (hw/acpi_tables.c): names, integers, packages, scopes,
 * devices and EISA IDs. Encodings follow ACPI 6.4 chapter 20 ("ACPI
 * Machine Language (AML) Specification"), section 20.2.
 *
 * The writer fills a caller-supplied buffer and allocates nothing. An
 * overflow is sticky: later calls do nothing and aml_finish() reports it,
 * so callers check once at the end.
 *
 * Objects with a PkgLength (Scope, Device, Package) are written as
 * open/close pairs: aml_*_open() returns a mark, aml_close(mark) encodes
 * the final length in its shortest form (section 20.2.4).
 */
#ifndef KEEL_HW_AML_H
#define KEEL_HW_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes (ACPI 6.4 section 20.3). */
#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_NAME_OP     0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP    0x10
#define AML_PACKAGE_OP  0x12
#define AML_EXT_PREFIX  0x5b
#define AML_DEVICE_OP   0x82    /* after AML_EXT_PREFIX */
#define AML_ROOT_CHAR   0x5c    /* '\' */
#define AML_ONES_OP     0xff

/* Largest PkgLength: 28 bits (a lead byte and three more). */
#define AML_PKG_MAX     0x0fffffff

struct aml {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);

/* Bytes written so far, or -ENOSPC after an overflow. */
long aml_finish(const struct aml *a);

void aml_byte(struct aml *a, uint8_t b);

/*
 * A NameString: an optional leading '\' followed by one to four-character
 * segments separated by '.', each padded with '_' to four characters
 * ("_S5" -> "_S5_", "\\_SB.PCI0"). Names that are malformed mark the
 * writer as overflowed, so the error is not lost.
 */
void aml_name(struct aml *a, const char *name);

/* The shortest integer encoding: Zero, One, Ones, Byte/Word/DWord/QWord. */
void aml_integer(struct aml *a, uint64_t v);

/* Name(name, ...): the data object that follows is the value. */
void aml_name_decl(struct aml *a, const char *name);

/* An EISA ID such as "PNP0A03", compressed to a DWord (section 19.6.35,
 * EISAID macro): three letters of 5 bits each, then four hex digits. */
void aml_eisaid(struct aml *a, const char *id);

/* Package(n) { ... }, Scope(name) { ... }, Device(name) { ... }. */
size_t aml_package_open(struct aml *a, uint8_t nelem);
size_t aml_scope_open(struct aml *a, const char *name);
size_t aml_device_open(struct aml *a, const char *name);
void aml_close(struct aml *a, size_t mark);

#endif
