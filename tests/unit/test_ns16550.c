/*
 * Unit tests for hw/ns16550.c, qtest style: COM1 at 0x3f8 on IRQ 4, a
 * byte-stream back end that records what the guest sends and can refuse
 * bytes. Expected values: PC16550D datasheet (register bits, IIR codes and
 * priorities, FIFO trigger levels, character timeout, loopback wiring,
 * MSR deltas) and QEMU's serial (reset values, THRE re-arm on IER).
 */
#include <setjmp.h> /* cmocka needs these before cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hw/ns16550.h"
#include "tests/unit/hw_fake.h"

#define COM1 0x3f8
#define RBR  (COM1 + 0)
#define THR  (COM1 + 0)
#define IER  (COM1 + 1)
#define IIR  (COM1 + 2)
#define FCR  (COM1 + 2)
#define LCR  (COM1 + 3)
#define MCR  (COM1 + 4)
#define LSR  (COM1 + 5)
#define MSR  (COM1 + 6)
#define SCR  (COM1 + 7)

/* 8N1 at divisor 12 (9600 baud): 10 bits of 1/9600 s = 1041666 ns. */
#define CHAR_NS 1041666ULL

static struct fake_env fe;
static struct ns16550 uart;

static uint8_t sent[256];
static size_t nsent;
static size_t tx_room;        /* bytes the back end still takes */
static unsigned int accepts;  /* accept_input callbacks */

static size_t be_write(void *opaque, const uint8_t *buf, size_t n)
{
	(void)opaque;
	if (n > tx_room)
		n = tx_room;
	memcpy(&sent[nsent], buf, n);
	nsent += n;
	tx_room -= n;
	return n;
}

static void be_accept(void *opaque)
{
	(void)opaque;
	accepts++;
}

static const struct ns16550_backend be = {
	.write = be_write, .accept_input = be_accept, .opaque = NULL,
};

static int setup(void **state)
{
	(void)state;
	fake_init(&fe, 0);
	nsent = 0;
	tx_room = sizeof(sent);
	accepts = 0;
	ns16550_init(&uart, &fe.env, 4, &be);
	assert_int_equal(ns16550_attach(&uart, &fe.pio, COM1), 0);
	outb(LCR, 0x03); /* 8N1 */
	return 0;
}

static size_t rx(const char *s)
{
	return ns16550_receive(&uart, (const uint8_t *)s, strlen(s));
}

static void test_reset_values(void **state)
{
	(void)state;
	assert_int_equal(inb(IER), 0x00);
	assert_int_equal(inb(IIR), 0x01);
	assert_int_equal(inb(MCR), 0x08); /* OUT2, as QEMU resets it */
	assert_int_equal(inb(LSR), 0x60); /* THRE | TEMT */
	assert_int_equal(inb(MSR), 0xb0); /* DCD | DSR | CTS */
	assert_int_equal(inb(SCR), 0x00);
	assert_false(irq_level(4));
}

static void test_divisor_latch(void **state)
{
	(void)state;
	outb(LCR, 0x83);
	outb(COM1 + 0, 0x01);        /* DLL */
	outb(COM1 + 1, 0x00);        /* DLM: 115200 baud */
	assert_int_equal(inb(COM1 + 0), 0x01);
	assert_int_equal(inb(COM1 + 1), 0x00);
	assert_int_equal(uart.s.divisor, 1);
	outb(LCR, 0x03);
	assert_int_equal(inb(IER), 0x00); /* IER again, not DLM */
	assert_int_equal(nsent, 0);       /* DLL writes are not data */
}

static void test_transmit(void **state)
{
	(void)state;
	outb(THR, 'h');
	outb(THR, 'i');
	assert_int_equal(nsent, 2);
	assert_memory_equal(sent, "hi", 2);
	assert_int_equal(inb(LSR), 0x60);
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	outb(IER, 0x02);             /* ETBEI with THR empty: interrupt */
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0x02);
	assert_false(irq_level(4));  /* reading IIR cleared it */
	assert_int_equal(inb(IIR), 0x01);
	outb(THR, 'x');              /* THR empties again: new interrupt */
	assert_true(irq_level(4));
	assert_int_equal(irq_rises(4), 2);
}

static void test_thre_edge_per_write(void **state)
{
	(void)state;
	outb(IER, 0x02);
	/* no IIR read in between: each write must still make a new edge */
	outb(THR, 'a');
	outb(THR, 'b');
	outb(THR, 'c');
	assert_int_equal(irq_rises(4), 4);
	assert_true(irq_level(4));
}

static void test_thre_rearm_on_ier(void **state)
{
	(void)state;
	outb(IER, 0x02);
	inb(IIR);                    /* clear the THRE interrupt */
	outb(IER, 0x02);             /* no change in ETBEI: nothing */
	assert_false(irq_level(4));
	outb(IER, 0x00);
	outb(IER, 0x02);             /* ETBEI 0 -> 1 with THRE: again */
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0x02);
}

static void test_receive_non_fifo(void **state)
{
	(void)state;
	outb(IER, 0x01);
	assert_int_equal(rx("xyz"), 1); /* one holding register */
	assert_int_equal(inb(LSR), 0x61);
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0x04);
	assert_int_equal(inb(RBR), 'x');
	assert_int_equal(inb(LSR), 0x60);
	assert_int_equal(inb(IIR), 0x01);
	assert_false(irq_level(4));
	assert_int_equal(accepts, 1); /* room again: back end told */
	assert_int_equal(rx("yz"), 1);
	assert_int_equal(inb(RBR), 'y');
}

static void test_fifo_receive_and_trigger(void **state)
{
	uint8_t b[20];
	int i;

	(void)state;
	outb(FCR, 0x81);             /* FIFO on, trigger level 8 */
	assert_int_equal(inb(IIR), 0xc1);
	outb(IER, 0x01);
	for (i = 0; i < 20; i++)
		b[i] = 'a' + i;
	assert_int_equal(ns16550_receive(&uart, b, 7), 7);
	assert_false(irq_level(4));  /* below the trigger level */
	assert_int_equal(ns16550_receive(&uart, b + 7, 13), 9); /* 16 max */
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0xc4);
	for (i = 0; i < 16; i++)
		assert_int_equal(inb(RBR), 'a' + i);
	assert_int_equal(inb(LSR) & 0x01, 0);
	assert_int_equal(inb(RBR), 0x00); /* empty FIFO reads 0 */
}

static void test_char_timeout(void **state)
{
	(void)state;
	outb(FCR, 0xc1);             /* trigger level 14 */
	outb(IER, 0x01);
	assert_int_equal(rx("abc"), 3);
	clock_step(4 * CHAR_NS - 1);
	assert_int_equal(inb(IIR), 0xc1);
	clock_step(1);
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0xcc); /* character timeout */
	assert_int_equal(inb(RBR), 'a');
	assert_int_equal(inb(IIR), 0xc1); /* reading RBR clears it */
	clock_step(4 * CHAR_NS);          /* and restarts the timer */
	assert_int_equal(inb(IIR), 0xcc);
	inb(RBR);
	inb(RBR);
	clock_step(10 * CHAR_NS);
	assert_int_equal(inb(IIR), 0xc1); /* empty: no timeout */
}

static void test_loopback(void **state)
{
	(void)state;
	outb(MCR, 0x10);
	outb(THR, 'L');
	assert_int_equal(nsent, 0);       /* nothing leaves the chip */
	assert_int_equal(inb(LSR), 0x61);
	assert_int_equal(inb(RBR), 'L');
	assert_int_equal(rx("q"), 1);     /* input is cut off: lost */
	assert_int_equal(inb(LSR), 0x60);
	outb(MCR, 0x1a);                  /* LOOP | OUT2 | RTS */
	assert_int_equal(inb(MSR) & 0xf0, 0x90); /* DCD | CTS */
	outb(MCR, 0x1f);
	assert_int_equal(inb(MSR) & 0xf0, 0xf0);
	outb(MCR, 0x1d);                  /* RTS off: CTS off */
	assert_int_equal(inb(MSR), 0xe1); /* ... with delta CTS */
	outb(MCR, 0x08);
	outb(THR, 'o');
	assert_int_equal(nsent, 1);       /* out of loopback: sent again */
}

static void test_overrun_and_rls(void **state)
{
	(void)state;
	outb(MCR, 0x10);
	outb(IER, 0x05);             /* RDI and ELSI */
	outb(THR, '1');
	outb(THR, '2');              /* holding register still full */
	assert_int_equal(inb(IIR), 0x06); /* line status beats data */
	assert_int_equal(inb(LSR), 0x63); /* DR | OE | THRE | TEMT */
	assert_int_equal(inb(LSR), 0x61); /* OE cleared by the read */
	assert_int_equal(inb(IIR), 0x04);
	assert_int_equal(inb(RBR), '2');  /* non-FIFO: overwritten */
}

static void test_fifo_overrun_keeps_old(void **state)
{
	int i;

	(void)state;
	outb(FCR, 0x01);
	outb(MCR, 0x10);
	for (i = 0; i < 17; i++)
		outb(THR, 'A' + i);
	assert_int_equal(inb(LSR) & 0x03, 0x03);
	assert_int_equal(inb(RBR), 'A');  /* the 17th byte was lost */
	for (i = 1; i < 16; i++)
		inb(RBR);
	assert_int_equal(inb(LSR) & 0x01, 0x00);
}

static void test_modem_status_interrupt(void **state)
{
	(void)state;
	outb(IER, 0x08);
	ns16550_set_modem_inputs(&uart, NS16550_MSR_DSR | NS16550_MSR_CTS);
	assert_true(irq_level(4));
	assert_int_equal(inb(IIR), 0x00);
	assert_int_equal(inb(MSR), 0x38); /* DSR | CTS, delta DCD */
	assert_false(irq_level(4));
	assert_int_equal(inb(MSR), 0x30);
	ns16550_set_modem_inputs(&uart, 0x70);   /* RI rises: no TERI */
	assert_int_equal(inb(MSR), 0x70);
	ns16550_set_modem_inputs(&uart, 0x30);   /* RI falls: TERI */
	assert_int_equal(inb(MSR), 0x34);
}

static void test_interrupt_priority(void **state)
{
	(void)state;
	outb(IER, 0x0f);
	ns16550_set_modem_inputs(&uart, 0x30);   /* MSI pending */
	assert_int_equal(inb(IIR), 0x02);        /* THRE beats MSI */
	assert_int_equal(inb(IIR), 0x00);        /* then MSI */
	rx("d");
	outb(IER, 0x0d);
	assert_int_equal(inb(IIR), 0x04);        /* data beats MSI */
	outb(MCR, 0x18);
	outb(THR, 'e');                          /* loopback: overrun */
	assert_int_equal(inb(IIR), 0x06);        /* line status first */
	inb(LSR);
	assert_int_equal(inb(IIR), 0x04);
	inb(RBR);
	assert_int_equal(inb(IIR), 0x00);
	inb(MSR);
	assert_int_equal(inb(IIR), 0x01);
}

static void test_tx_backpressure(void **state)
{
	(void)state;
	outb(FCR, 0x01);
	outb(IER, 0x02);
	inb(IIR);
	tx_room = 1;
	outb(THR, 'p');
	outb(THR, 'q');
	outb(THR, 'r');
	assert_int_equal(nsent, 1);
	assert_int_equal(inb(LSR) & 0x60, 0x00); /* q, r wait in the FIFO */
	assert_false(irq_level(4));
	tx_room = 10;
	ns16550_tx_kick(&uart);
	assert_int_equal(nsent, 3);
	assert_memory_equal(sent, "pqr", 3);
	assert_int_equal(inb(LSR) & 0x60, 0x60);
	assert_true(irq_level(4));
}

static void test_fcr_clears(void **state)
{
	(void)state;
	outb(FCR, 0x01);
	rx("hello");
	tx_room = 0;
	outb(THR, 'z');
	assert_int_equal(inb(LSR), 0x01);
	accepts = 0;
	outb(FCR, 0x03);             /* clear the receive FIFO */
	assert_int_equal(inb(LSR), 0x00);
	assert_int_equal(accepts, 1); /* room again: back end told */
	outb(FCR, 0x05);             /* clear the transmit FIFO */
	assert_int_equal(inb(LSR), 0x60);
	rx("ab");
	outb(FCR, 0x00);             /* FIFOs off: both cleared */
	assert_int_equal(inb(LSR), 0x60);
	assert_int_equal(inb(IIR), 0x01); /* no FIFO bits */
	tx_room = 10;
	ns16550_tx_kick(&uart);
	assert_int_equal(nsent, 0);  /* 'z' was discarded */
}

static void test_scratch_and_read_only(void **state)
{
	(void)state;
	outb(SCR, 0xa5);
	assert_int_equal(inb(SCR), 0xa5);
	outb(LSR, 0x00);             /* factory test: ignored */
	assert_int_equal(inb(LSR), 0x60);
	outb(MSR, 0x00);
	assert_int_equal(inb(MSR), 0xb0);
	outb(MCR, 0xff);
	assert_int_equal(inb(MCR), 0x1f); /* bits 5-7 are 0 */
}

static void test_two_ports(void **state)
{
	struct ns16550 com2;

	(void)state;
	ns16550_init(&com2, &fe.env, 3, NULL);
	assert_int_equal(ns16550_attach(&com2, &fe.pio, NS16550_COM2), 0);
	outb(0x2f9, 0x02);
	assert_true(irq_level(3));
	assert_false(irq_level(4));
	outb(0x2f8, 'n');            /* no back end: dropped */
	assert_int_equal(nsent, 0);
	outb(0x2ff, 0x11);
	assert_int_equal(inb(SCR), 0x00);
	assert_int_equal(inb(0x2ff), 0x11);
	assert_int_equal(ns16550_attach(&com2, &fe.pio, COM1 + 4), -EBUSY);
}

static void test_word_access(void **state)
{
	(void)state;
	outb(IER, 0x02);
	/* 16-bit read of RBR/IER: two byte accesses */
	assert_int_equal(inw(COM1) >> 8, 0x02);
	assert_int_equal(inw(LSR), 0xb060); /* LSR, then MSR */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_divisor_latch, setup),
		cmocka_unit_test_setup(test_transmit, setup),
		cmocka_unit_test_setup(test_thre_interrupt, setup),
		cmocka_unit_test_setup(test_thre_edge_per_write, setup),
		cmocka_unit_test_setup(test_thre_rearm_on_ier, setup),
		cmocka_unit_test_setup(test_receive_non_fifo, setup),
		cmocka_unit_test_setup(test_fifo_receive_and_trigger, setup),
		cmocka_unit_test_setup(test_char_timeout, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_overrun_and_rls, setup),
		cmocka_unit_test_setup(test_fifo_overrun_keeps_old, setup),
		cmocka_unit_test_setup(test_modem_status_interrupt, setup),
		cmocka_unit_test_setup(test_interrupt_priority, setup),
		cmocka_unit_test_setup(test_tx_backpressure, setup),
		cmocka_unit_test_setup(test_fcr_clears, setup),
		cmocka_unit_test_setup(test_scratch_and_read_only, setup),
		cmocka_unit_test_setup(test_two_ports, setup),
		cmocka_unit_test_setup(test_word_access, setup),
	};

	return cmocka_run_group_tests_name("ns16550", tests, NULL, NULL);
}
