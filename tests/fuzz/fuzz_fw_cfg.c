/*
 * Fuzz fw_cfg: selector/data at 0x510/0x511, the DMA address at 0x514, and
 * whole DMA requests whose descriptor (anywhere, in RAM or not) points
 * anywhere. The fake RAM is 4 KiB: a request that reaches outside it must
 * be refused by the environment (counted in fz_mem_refused), and ASan
 * catches any access that bypasses it.
 */
#include "hw/fw_cfg.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct fw_cfg fw;
static const char kernel[] = "KERNELDATA0123456789";
static const char cmdline[] = "console=ttyS0";

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A descriptor at gpa (written only where it fits in RAM), then the doorbell. */
static void dev_op(struct fz *in, unsigned int op)
{
	uint64_t gpa = fz_take(in, 2) % (FAKE_RAM + 32);
	uint32_t control = (uint32_t)fz_take(in, 4);
	uint32_t length = (uint32_t)fz_take(in, op & 1 ? 4 : 2);
	uint64_t addr = op & 2 ? fz_take(in, 8) : fz_take(in, 2);

	if (gpa + 16 <= FAKE_RAM) {
		put_be32(&fe.ram[gpa], control);
		put_be32(&fe.ram[gpa + 4], length);
		put_be32(&fe.ram[gpa + 8], (uint32_t)(addr >> 32));
		put_be32(&fe.ram[gpa + 12], (uint32_t)addr);
	}
	if (op & 4)
		bus_write(&fe.pio, FW_CFG_DMA_PORT, 8, __builtin_bswap64(gpa));
	else
		bus_write(&fe.pio, FW_CFG_DMA_PORT + 4, 4,
			  __builtin_bswap32((uint32_t)gpa));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct fz_window w[] = {
		{ &fe.pio, FW_CFG_PORT, 2 },
		{ &fe.pio, FW_CFG_DMA_PORT, 8 },
	};
	struct fw_cfg_e820 e820;

	fz_env_init(&fe);
	fw_cfg_init(&fw, &fe.env);
	fz_check(fw_cfg_set_cpus(&fw, 2) == 0, "setup");
	fz_check(fw_cfg_set_ram_size(&fw, FAKE_RAM) == 0, "setup");
	fz_check(fw_cfg_set_kernel(&fw, 0x100000, kernel, sizeof(kernel)) == 0,
		 "setup");
	fz_check(fw_cfg_set_cmdline(&fw, 0x20000, cmdline, sizeof(cmdline)) == 0,
		 "setup");
	fz_check(fw_cfg_add_file(&fw, "etc/a", "hello", 5) >= 0, "setup");
	fz_check(fw_cfg_add_file(&fw, "etc/empty", "", 0) >= 0, "setup");
	fw_cfg_e820_init(&e820);
	fz_check(fw_cfg_e820_add(&e820, 0, FAKE_RAM, FW_CFG_E820_RAM) == 0,
		 "setup");
	fz_check(fw_cfg_add_e820(&fw, &e820) >= 0, "setup");
	fz_check(fw_cfg_attach(&fw, &fe.pio) == 0, "attach");
	fz_run(&in, w, 2, 1000, dev_op, NULL);
	return 0;
}
