/*
 * Fuzz the NS16550A UART at COM1: register accesses, bytes received from
 * the far side, a back end that takes a fuzzed number of bytes, tx kicks
 * and modem inputs. Invariants: the FIFOs never hold more than 16 bytes;
 * IRQ 4 matches the model's line.
 */
#include "hw/ns16550.h"
#include "tests/fuzz/fuzz_env.h"

static struct fake_env fe;
static struct ns16550 uart;
static size_t be_room;

static size_t be_write(void *opaque, const uint8_t *buf, size_t n)
{
	size_t k = n < be_room ? n : be_room;

	fz_check(n <= NS16550_FIFO_LEN, "tx burst longer than the FIFO");
	be_room -= k;
	return k;
}

static void dev_op(struct fz *in, unsigned int op)
{
	uint8_t buf[32];
	size_t n = fz_u8(in) % sizeof(buf);

	switch (op % 3) {
	case 0:
		for (size_t i = 0; i < n; i++)
			buf[i] = fz_u8(in);
		fz_check(ns16550_receive(&uart, buf, n) <= n, "receive");
		break;
	case 1:
		be_room = n;
		ns16550_tx_kick(&uart);
		break;
	case 2:
		ns16550_set_modem_inputs(&uart, (uint8_t)n << 3);
		break;
	}
}

static void check(void)
{
	fz_check(uart.s.rx.count <= NS16550_FIFO_LEN, "rx FIFO overfull");
	fz_check(uart.s.tx.count <= NS16550_FIFO_LEN, "tx FIFO overfull");
	fz_check(uart.s.rx.head < NS16550_FIFO_LEN, "rx head");
	fz_check(uart.s.tx.head < NS16550_FIFO_LEN, "tx head");
	fz_check(fe.level[4] == uart.line, "IRQ 4 out of sync");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	const struct ns16550_backend be = { .write = be_write };
	const struct fz_window w[] = { { &fe.pio, NS16550_COM1, 8 } };

	fz_env_init(&fe);
	be_room = 4;
	ns16550_init(&uart, &fe.env, 4, &be);
	fz_check(ns16550_attach(&uart, &fe.pio, NS16550_COM1) == 0, "attach");
	fz_run(&in, w, 1, 10000000, dev_op, check);
	return 0;
}
