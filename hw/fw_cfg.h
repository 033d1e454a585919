/*
 * hw/fw_cfg.h - QEMU's firmware configuration device (fw_cfg), I/O port
 * flavour of the PC: selector 0x510, data 0x511, DMA address 0x514-0x51b.
 *
 * Items are numbered by a 16-bit key. The board adds them before the guest
 * runs; each points at a buffer the caller owns and keeps alive (hw/ does
 * not allocate), except small integers, which are stored in the item. Named
 * items ("files") get keys from 0x20 up and appear in the directory at key
 * 0x19. All multi-byte integers of standard items are little-endian; the
 * directory and the DMA descriptor are big-endian, as QEMU documents in
 * docs/specs/fw_cfg.rst.
 */
#ifndef KEEL_HW_FW_CFG_H
#define KEEL_HW_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define FW_CFG_PORT         0x510   /* selector (16-bit), data at +1 */
#define FW_CFG_DMA_PORT     0x514   /* DMA address, big-endian, 8 bytes */

/* Keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE      0x00
#define FW_CFG_ID             0x01
#define FW_CFG_UUID           0x02
#define FW_CFG_RAM_SIZE       0x03
#define FW_CFG_NOGRAPHIC      0x04
#define FW_CFG_NB_CPUS        0x05
#define FW_CFG_MACHINE_ID     0x06
#define FW_CFG_KERNEL_ADDR    0x07
#define FW_CFG_KERNEL_SIZE    0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR    0x0a
#define FW_CFG_INITRD_SIZE    0x0b
#define FW_CFG_BOOT_DEVICE    0x0c
#define FW_CFG_NUMA           0x0d
#define FW_CFG_BOOT_MENU      0x0e
#define FW_CFG_MAX_CPUS       0x0f
#define FW_CFG_KERNEL_ENTRY   0x10
#define FW_CFG_KERNEL_DATA    0x11
#define FW_CFG_INITRD_DATA    0x12
#define FW_CFG_CMDLINE_ADDR   0x13
#define FW_CFG_CMDLINE_SIZE   0x14
#define FW_CFG_CMDLINE_DATA   0x15
#define FW_CFG_SETUP_ADDR     0x16
#define FW_CFG_SETUP_SIZE     0x17
#define FW_CFG_SETUP_DATA     0x18
#define FW_CFG_FILE_DIR       0x19
#define FW_CFG_FILE_FIRST     0x20
#define FW_CFG_WRITE_CHANNEL  0x4000
#define FW_CFG_ARCH_LOCAL     0x8000
#define FW_CFG_INVALID        0xffff

/* FW_CFG_ID bits */
#define FW_CFG_VERSION        0x01  /* traditional interface */
#define FW_CFG_VERSION_DMA    0x02  /* DMA interface */

/* DMA control bits (FWCfgDmaAccess.control) */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

#define FW_CFG_DMA_SIGNATURE  0x51454d5520434647ull /* "QEMU CFG" */

#define FW_CFG_FILES          32    /* file slots, as QEMU's default */
#define FW_CFG_MAX_FILE_PATH  56
#define FW_CFG_ENTRIES        (FW_CFG_FILE_FIRST + FW_CFG_FILES)
#define FW_CFG_ARCH_ENTRIES   8     /* 0x8000-0x8007 */
#define FW_CFG_DIR_ENTRY_SIZE 64    /* be32 size, be16 select, be16, name */

/* e820 types, and the size of one `etc/e820' record (packed le64, le64,
 * le32, as QEMU's struct e820_entry). */
#define FW_CFG_E820_RAM       1
#define FW_CFG_E820_RESERVED  2
#define FW_CFG_E820_ENTRY_SIZE 20
#define FW_CFG_E820_MAX       16

struct fw_cfg_item {
	const uint8_t *data;    /* NULL: the item holds its value in inl */
	uint32_t len;
	uint8_t inl[8];         /* small integers, little-endian */
	bool present;
};

/* Guest-visible state: the selection and the DMA address. */
struct fw_cfg_state {
	uint16_t key;           /* as written; FW_CFG_INVALID when none */
	uint32_t offset;        /* read position in the selected item */
	uint64_t dma_addr;      /* high half kept until the low half lands */
};

struct fw_cfg {
	struct fw_cfg_state s;
	const struct hw_env *env;
	struct fw_cfg_item items[FW_CFG_ENTRIES];
	struct fw_cfg_item arch[FW_CFG_ARCH_ENTRIES];
	unsigned int nfiles;
	uint8_t dir[4 + FW_CFG_FILES * FW_CFG_DIR_ENTRY_SIZE];
	uint64_t dma_errors;    /* DMA requests that set the error bit */
};

/* A caller-owned e820 table, encoded for `etc/e820'. */
struct fw_cfg_e820 {
	uint8_t raw[FW_CFG_E820_MAX * FW_CFG_E820_ENTRY_SIZE];
	unsigned int count;
};

/* Empty device with the signature, ID (traditional + DMA) and the empty
 * directory in place. */
void fw_cfg_init(struct fw_cfg *fw, const struct hw_env *env);

/* Guest-visible reset: no item selected, DMA address cleared. */
void fw_cfg_reset(struct fw_cfg *fw);

/* Add or replace an item at key; data stays owned by the caller.
 * 0, or -EINVAL (key out of range, or the directory's key). */
int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data,
		     uint32_t len);
int fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v);
int fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v);
int fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v);

/* A named item: returns its key (0x20 up), or -EINVAL (empty or too long
 * name), -EEXIST (name taken), -ENOSPC (no file slot left). */
int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data,
		    uint32_t len);

/* Standard items: CPU count (le16 at NB_CPUS and MAX_CPUS), RAM size
 * (le64), and the Linux boot triples {ADDR le32, SIZE le32, DATA}. */
int fw_cfg_set_cpus(struct fw_cfg *fw, uint16_t n);
int fw_cfg_set_ram_size(struct fw_cfg *fw, uint64_t bytes);
int fw_cfg_set_kernel(struct fw_cfg *fw, uint32_t addr, const void *data,
		      uint32_t len);
int fw_cfg_set_initrd(struct fw_cfg *fw, uint32_t addr, const void *data,
		      uint32_t len);
int fw_cfg_set_setup(struct fw_cfg *fw, uint32_t addr, const void *data,
		     uint32_t len);
/* cmdline includes its terminating NUL, as QEMU's CMDLINE_SIZE does */
int fw_cfg_set_cmdline(struct fw_cfg *fw, uint32_t addr, const char *cmdline,
		       uint32_t len);

/* e820: append a record (0 or -ENOSPC), then publish the table as
 * `etc/e820' (the file's size is the count at that moment). */
void fw_cfg_e820_init(struct fw_cfg_e820 *t);
int fw_cfg_e820_add(struct fw_cfg_e820 *t, uint64_t addr, uint64_t len,
		    uint32_t type);
int fw_cfg_add_e820(struct fw_cfg *fw, const struct fw_cfg_e820 *t);

extern const struct bus_ops fw_cfg_io_ops;  /* 2 ports, dev = fw */
extern const struct bus_ops fw_cfg_dma_ops; /* 8 ports, dev = fw */

int fw_cfg_attach(struct fw_cfg *fw, struct bus *pio)
	__attribute__((warn_unused_result));

#endif
