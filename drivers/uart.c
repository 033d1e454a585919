/* 16550A driver (TI PC16550D datasheet): 8N1, FIFOs on, receive-data
 * interrupt into a ring that the console drains; transmit polls THRE and
 * fills the 16-byte FIFO per wait. OUT2 in MCR gates the IRQ line on PCs. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/io_apic.h"
#include "arch/x86_64/apic.h"
#include "drivers/uart.h"

#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define FCR 2
#define IIR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20

#define RX_RING 4096

static uint16_t port;
static int irq_mode;
static volatile uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head, rx_tail;
static struct uart_stats st;

int uart_init(uint16_t io, uint32_t baud)
{
	outb(io + SCR, 0x5a);
	if (inb(io + SCR) != 0x5a)
		return -1;
	port = io;
	uint16_t div = (uint16_t)(115200 / (baud ? baud : 115200));
	outb(port + IER, 0);
	outb(port + LCR, 0x80); /* DLAB */
	outb(port + DLL, div & 0xff);
	outb(port + DLM, div >> 8);
	outb(port + LCR, 0x03); /* 8N1 */
	outb(port + FCR, 0x07); /* FIFOs on and cleared, RX trigger at 1 byte */
	outb(port + MCR, 0x0b); /* DTR, RTS, OUT2 */
	return 0;
}

static volatile int drain_busy;

/* RX FIFO into the ring. The ISR (console CPU) and every transmitter (any
 * CPU, with interrupts off under the console lock) call it, so keystrokes
 * typed while a long line goes out are never lost to a FIFO overrun: a
 * 16-byte FIFO holds 1.4 ms of input at 115200 baud, a line of guest output
 * takes 20 ms. Whoever gets the flag drains; the others need not. */
static void drain(void)
{
	if (__atomic_exchange_n(&drain_busy, 1, __ATOMIC_ACQUIRE))
		return;
	uint8_t lsr;
	while ((lsr = inb(port + LSR)) & LSR_DR) {
		uint8_t c = inb(port + RBR);
		if (lsr & LSR_OE)
			st.overruns++;
		uint32_t next = (rx_head + 1) % RX_RING;
		if (next == rx_tail) {
			st.overruns++;
			continue;
		}
		rx_ring[rx_head] = c;
		__atomic_store_n(&rx_head, next, __ATOMIC_RELEASE);
		st.rx++;
	}
	__atomic_store_n(&drain_busy, 0, __ATOMIC_RELEASE);
}

static void put(char c)
{
	if (!port)
		return;
	while (!(inb(port + LSR) & LSR_THRE)) {
		if (irq_mode)
			drain();
		cpu_relax();
	}
	outb(port + THR, (uint8_t)c);
	st.tx++;
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

static void uart_isr(struct regs *r)
{
	(void)r;
	drain();
	(void)inb(port + IIR);
	apic_eoi();
}

void uart_enable_irq(uint8_t irq, uint8_t vector)
{
	if (!port)
		return;
	idt_set_handler(vector, uart_isr);
	if (io_apic_route_isa(irq, vector, apic_id()))
		return; /* stays polled */
	irq_mode = 1;
	outb(port + IER, 0x01); /* received data available */
	drain();
}

int uart_getc(void)
{
	if (!port)
		return -1;
	if (!irq_mode)
		drain();
	if (rx_tail == __atomic_load_n(&rx_head, __ATOMIC_ACQUIRE))
		return -1;
	int c = rx_ring[rx_tail];
	rx_tail = (rx_tail + 1) % RX_RING;
	return c;
}

void uart_stats(struct uart_stats *s) { *s = st; }
