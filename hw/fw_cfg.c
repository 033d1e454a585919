/*
 * hw/fw_cfg.c - QEMU's firmware configuration device, I/O port interface.
 *
 * Reference: QEMU docs/specs/fw_cfg.rst (formerly fw_cfg.txt): "Selector
 * (Control) Register" (16-bit key; selecting resets the data offset),
 * "Data Register" (byte reads advance the offset; reads past the end of
 * the item, or of a missing item, return 0), "Register Locations" (x86:
 * 0x510 selector, 0x511 data, 0x514 DMA address), "Firmware Configuration
 * Items" (signature "QEMU" at 0x0000, ID bits at 0x0001, file directory at
 * 0x0019 with big-endian {count; size, select, reserved, name[56]}),
 * "Direct Memory Access (DMA)" (big-endian FWCfgDmaAccess {be32 control,
 * be32 length, be64 address}; the address register is written as two
 * big-endian halves and the write of the low half starts the transfer;
 * control bits error/read/skip/select/write; on completion the device
 * writes back the control word: 0, or the error bit). Keys are those of
 * QEMU's include/standard-headers/linux/qemu_fw_cfg.h. Where the document
 * is silent, QEMU's hw/nvram/fw_cfg.c behaviour is followed: reads of
 * 0x510 also return a data byte, a DMA read past the item's end fills the
 * guest buffer with zeros, DMA writes to items fail with the error bit
 * (keel has no writable items yet), and reading 0x514 returns "QEMU CFG".
 *
 * Every guest memory access goes through hw_mem_read/hw_mem_write, which
 * check the whole range against the VM's RAM; a failure sets the error bit.
 */
#include "hw/fw_cfg.h"

#include <errno.h>  /* EINVAL, EEXIST, ENOSPC */
#include <string.h> /* memset, memcpy, strlen, strncmp */

static const uint8_t fw_cfg_zeros[256];

static void fw_cfg_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void fw_cfg_put_be32(uint8_t *p, uint32_t v)
{
	fw_cfg_put_be16(p, (uint16_t)(v >> 16));
	fw_cfg_put_be16(p + 2, (uint16_t)v);
}

static uint32_t fw_cfg_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void fw_cfg_put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t fw_cfg_bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

/* The item a key names, or NULL (no such slot, or nothing there). */
static struct fw_cfg_item *fw_cfg_slot(struct fw_cfg *fw, uint16_t key)
{
	unsigned int idx = key & ~(FW_CFG_ARCH_LOCAL | FW_CFG_WRITE_CHANNEL);

	if (key & FW_CFG_ARCH_LOCAL)
		return idx < FW_CFG_ARCH_ENTRIES ? &fw->arch[idx] : NULL;
	return idx < FW_CFG_ENTRIES ? &fw->items[idx] : NULL;
}

static const struct fw_cfg_item *fw_cfg_cur(struct fw_cfg *fw)
{
	const struct fw_cfg_item *it = fw_cfg_slot(fw, fw->s.key);

	return it && it->present ? it : NULL;
}

static const uint8_t *fw_cfg_data(const struct fw_cfg_item *it)
{
	return it->data ? it->data : it->inl;
}

static void fw_cfg_set(struct fw_cfg_item *it, const void *data, uint32_t len)
{
	it->data = data;
	it->len = data ? len : 0;
	it->present = true;
}

/* Keys a caller may fill with fw_cfg_add_*: not the directory, not files. */
static struct fw_cfg_item *fw_cfg_user_slot(struct fw_cfg *fw, uint16_t key)
{
	if (key == FW_CFG_FILE_DIR || (key & FW_CFG_WRITE_CHANNEL))
		return NULL;
	if (!(key & FW_CFG_ARCH_LOCAL) && key >= FW_CFG_FILE_FIRST)
		return NULL;
	return fw_cfg_slot(fw, key);
}

int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data,
		     uint32_t len)
{
	struct fw_cfg_item *it = fw_cfg_user_slot(fw, key);

	if (!it)
		return -EINVAL;
	fw_cfg_set(it, data, len);
	return 0;
}

static int fw_cfg_add_int(struct fw_cfg *fw, uint16_t key, uint64_t v,
			  unsigned int n)
{
	struct fw_cfg_item *it = fw_cfg_user_slot(fw, key);

	if (!it)
		return -EINVAL;
	fw_cfg_put_le(it->inl, v, n);
	it->data = NULL;
	it->len = n;
	it->present = true;
	return 0;
}

int fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v)
{
	return fw_cfg_add_int(fw, key, v, 2);
}

int fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v)
{
	return fw_cfg_add_int(fw, key, v, 4);
}

int fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v)
{
	return fw_cfg_add_int(fw, key, v, 8);
}

static void fw_cfg_publish_dir(struct fw_cfg *fw)
{
	fw_cfg_put_be32(fw->dir, fw->nfiles);
	fw_cfg_set(&fw->items[FW_CFG_FILE_DIR], fw->dir,
		   4 + fw->nfiles * FW_CFG_DIR_ENTRY_SIZE);
}

int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data,
		    uint32_t len)
{
	size_t n = name ? strlen(name) : 0;
	unsigned int i;
	uint16_t key;
	uint8_t *e;

	if (n == 0 || n >= FW_CFG_MAX_FILE_PATH)
		return -EINVAL;
	for (i = 0; i < fw->nfiles; i++) {
		e = &fw->dir[4 + i * FW_CFG_DIR_ENTRY_SIZE];
		if (!strncmp((const char *)e + 8, name, FW_CFG_MAX_FILE_PATH))
			return -EEXIST;
	}
	if (fw->nfiles == FW_CFG_FILES)
		return -ENOSPC;
	key = (uint16_t)(FW_CFG_FILE_FIRST + fw->nfiles);
	e = &fw->dir[4 + fw->nfiles * FW_CFG_DIR_ENTRY_SIZE];
	memset(e, 0, FW_CFG_DIR_ENTRY_SIZE);
	fw_cfg_put_be32(e, data ? len : 0);
	fw_cfg_put_be16(e + 4, key);
	memcpy(e + 8, name, n);
	fw_cfg_set(&fw->items[key], data, len);
	fw->nfiles++;
	fw_cfg_publish_dir(fw);
	return key;
}

int fw_cfg_set_cpus(struct fw_cfg *fw, uint16_t n)
{
	int err = fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, n);

	return err ? err : fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, n);
}

int fw_cfg_set_ram_size(struct fw_cfg *fw, uint64_t bytes)
{
	return fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, bytes);
}

/* One of the Linux boot triples: address and size as le32, then data. */
static int fw_cfg_set_triple(struct fw_cfg *fw, uint16_t addr_key,
			     uint16_t size_key, uint16_t data_key,
			     uint32_t addr, const void *data, uint32_t len)
{
	int err;

	err = fw_cfg_add_i32(fw, addr_key, addr);
	if (!err)
		err = fw_cfg_add_i32(fw, size_key, len);
	if (!err)
		err = fw_cfg_add_bytes(fw, data_key, data, len);
	return err;
}

int fw_cfg_set_kernel(struct fw_cfg *fw, uint32_t addr, const void *data,
		      uint32_t len)
{
	return fw_cfg_set_triple(fw, FW_CFG_KERNEL_ADDR, FW_CFG_KERNEL_SIZE,
				 FW_CFG_KERNEL_DATA, addr, data, len);
}

int fw_cfg_set_initrd(struct fw_cfg *fw, uint32_t addr, const void *data,
		      uint32_t len)
{
	return fw_cfg_set_triple(fw, FW_CFG_INITRD_ADDR, FW_CFG_INITRD_SIZE,
				 FW_CFG_INITRD_DATA, addr, data, len);
}

int fw_cfg_set_setup(struct fw_cfg *fw, uint32_t addr, const void *data,
		     uint32_t len)
{
	return fw_cfg_set_triple(fw, FW_CFG_SETUP_ADDR, FW_CFG_SETUP_SIZE,
				 FW_CFG_SETUP_DATA, addr, data, len);
}

int fw_cfg_set_cmdline(struct fw_cfg *fw, uint32_t addr, const char *cmdline,
		       uint32_t len)
{
	return fw_cfg_set_triple(fw, FW_CFG_CMDLINE_ADDR, FW_CFG_CMDLINE_SIZE,
				 FW_CFG_CMDLINE_DATA, addr, cmdline, len);
}

void fw_cfg_e820_init(struct fw_cfg_e820 *t)
{
	memset(t, 0, sizeof(*t));
}

int fw_cfg_e820_add(struct fw_cfg_e820 *t, uint64_t addr, uint64_t len,
		    uint32_t type)
{
	uint8_t *p;

	if (t->count == FW_CFG_E820_MAX)
		return -ENOSPC;
	p = &t->raw[t->count * FW_CFG_E820_ENTRY_SIZE];
	fw_cfg_put_le(p, addr, 8);
	fw_cfg_put_le(p + 8, len, 8);
	fw_cfg_put_le(p + 16, type, 4);
	t->count++;
	return 0;
}

int fw_cfg_add_e820(struct fw_cfg *fw, const struct fw_cfg_e820 *t)
{
	return fw_cfg_add_file(fw, "etc/e820", t->raw,
			       t->count * FW_CFG_E820_ENTRY_SIZE);
}

void fw_cfg_reset(struct fw_cfg *fw)
{
	fw->s.key = FW_CFG_INVALID;
	fw->s.offset = 0;
	fw->s.dma_addr = 0;
}

void fw_cfg_init(struct fw_cfg *fw, const struct hw_env *env)
{
	memset(fw, 0, sizeof(*fw));
	fw->env = env;
	fw_cfg_set(&fw->items[FW_CFG_SIGNATURE], "QEMU", 4);
	fw_cfg_add_int(fw, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA, 4);
	fw_cfg_publish_dir(fw);
	fw_cfg_reset(fw);
}

static void fw_cfg_select(struct fw_cfg *fw, uint16_t key)
{
	fw->s.key = key;
	fw->s.offset = 0;
}

static uint8_t fw_cfg_read_byte(struct fw_cfg *fw)
{
	const struct fw_cfg_item *it = fw_cfg_cur(fw);

	if (!it || fw->s.offset >= it->len)
		return 0;
	return fw_cfg_data(it)[fw->s.offset++];
}

/* ---- DMA ---------------------------------------------------------------- */

/* Fill [gpa, gpa + len) with zeros: 0 or -EFAULT. */
static int fw_cfg_dma_zero(struct fw_cfg *fw, uint64_t gpa, uint32_t len)
{
	while (len) {
		uint32_t n = len < sizeof(fw_cfg_zeros) ? len
						       : sizeof(fw_cfg_zeros);

		if (hw_mem_write(fw->env, gpa, fw_cfg_zeros, n))
			return -EFAULT;
		gpa += n;
		len -= n;
	}
	return 0;
}

static void fw_cfg_dma_transfer(struct fw_cfg *fw)
{
	uint64_t desc_gpa = fw->s.dma_addr, addr;
	uint32_t control, length, status = 0;
	uint8_t d[16], out[4];
	bool rd, wr;

	fw->s.dma_addr = 0;
	if (hw_mem_read(fw->env, desc_gpa, d, sizeof(d))) {
		status = FW_CFG_DMA_CTL_ERROR;
		goto done;
	}
	control = fw_cfg_get_be32(d);
	length = fw_cfg_get_be32(d + 4);
	addr = (uint64_t)fw_cfg_get_be32(d + 8) << 32 | fw_cfg_get_be32(d + 12);

	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(fw, (uint16_t)(control >> 16));
	rd = control & FW_CFG_DMA_CTL_READ;
	wr = !rd && (control & FW_CFG_DMA_CTL_WRITE);
	if (!rd && !wr && !(control & FW_CFG_DMA_CTL_SKIP))
		length = 0;

	while (length && !status) {
		const struct fw_cfg_item *it = fw_cfg_cur(fw);
		uint32_t n = length;

		if (wr) {
			/* no item takes guest writes (yet) */
			status = FW_CFG_DMA_CTL_ERROR;
		} else if (!it || fw->s.offset >= it->len) {
			if (rd && fw_cfg_dma_zero(fw, addr, n))
				status = FW_CFG_DMA_CTL_ERROR;
		} else {
			if (n > it->len - fw->s.offset)
				n = it->len - fw->s.offset;
			if (rd && hw_mem_write(fw->env, addr,
					       fw_cfg_data(it) + fw->s.offset,
					       n))
				status = FW_CFG_DMA_CTL_ERROR;
			else
				fw->s.offset += n;
		}
		addr += n;
		length -= n;
	}
done:
	if (status)
		fw->dma_errors++;
	fw_cfg_put_be32(out, status);
	/* the guest may have pointed us outside RAM: nothing more to do */
	(void)hw_mem_write(fw->env, desc_gpa, out, sizeof(out));
}

/* ---- port handlers ------------------------------------------------------ */

static uint64_t fw_cfg_io_read(void *dev, uint64_t off, unsigned int size)
{
	(void)off;
	if (size != 1)
		return ~0ULL;
	return fw_cfg_read_byte(dev);
}

static void fw_cfg_io_write(void *dev, uint64_t off, unsigned int size,
			    uint64_t val)
{
	/* selector: word (or byte) at 0x510; data writes are ignored, as in
	 * QEMU since 2.4 */
	if (off == 0 && size <= 2)
		fw_cfg_select(dev, (uint16_t)val);
}

const struct bus_ops fw_cfg_io_ops = {
	.read = fw_cfg_io_read,
	.write = fw_cfg_io_write,
	.max_size = 2,
};

static uint64_t fw_cfg_dma_read(void *dev, uint64_t off, unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	(void)dev;
	/* the bytes "QEMU CFG" in port order */
	for (i = 0; i < size; i++) {
		uint64_t b = off + i < 8
			? (FW_CFG_DMA_SIGNATURE >> (56 - 8 * (off + i))) & 0xff
			: 0xff;
		v |= b << (8 * i);
	}
	return v;
}

static void fw_cfg_dma_write(void *dev, uint64_t off, unsigned int size,
			     uint64_t val)
{
	struct fw_cfg *fw = dev;
	uint32_t lo = fw_cfg_bswap32((uint32_t)val);

	if (size == 4 && off == 0) {
		fw->s.dma_addr = (uint64_t)lo << 32;
	} else if (size == 4 && off == 4) {
		fw->s.dma_addr |= lo;
		fw_cfg_dma_transfer(fw);
	} else if (size == 8 && off == 0) {
		fw->s.dma_addr = (uint64_t)lo << 32 |
				 fw_cfg_bswap32((uint32_t)(val >> 32));
		fw_cfg_dma_transfer(fw);
	}
}

const struct bus_ops fw_cfg_dma_ops = {
	.read = fw_cfg_dma_read,
	.write = fw_cfg_dma_write,
	.max_size = 8,
};

int fw_cfg_attach(struct fw_cfg *fw, struct bus *pio)
{
	int err;

	err = bus_register(pio, FW_CFG_PORT, 2, &fw_cfg_io_ops, fw, "fw_cfg");
	if (err)
		return err;
	err = bus_register(pio, FW_CFG_DMA_PORT, 8, &fw_cfg_dma_ops, fw,
			   "fw_cfg-dma");
	if (err)
		(void)bus_unregister(pio, FW_CFG_PORT);
	return err;
}
