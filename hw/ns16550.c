/*
 * hw/ns16550.c - NS16550A UART.
 *
 * Reference: National Semiconductor (TI) PC16550D datasheet: section 8
 * "Registers" - 8.4 LSR, 8.5 FCR, 8.6 IIR (table "Interrupt Control
 * Functions": priorities and reset actions), 8.7 IER, 8.8 MCR (loopback:
 * RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD, serial input cut off), 8.9 MSR
 * (delta bits, TERI on a falling RI) and 8.10 SCR; section 9 "FIFO
 * Interrupt Mode Operation" (trigger levels, character timeout after four
 * character times).
 *
 * Transmission takes no time: a byte written to THR is handed to the back
 * end at once, and THRE rises right after it fell, so an edge-triggered
 * IRQ line still sees a new edge per write. Where the datasheet is silent
 * QEMU's serial is followed: reset leaves OUT2 set and DCD/DSR/CTS high,
 * enabling ETBEI while THR is empty raises the THRE interrupt again, a
 * full transmit FIFO drops its oldest byte, and an empty receive FIFO
 * reads 0.
 */
#include "hw/ns16550.h"

#define NS_PER_SEC  1000000000ULL
#define UART_CLK_16 115200ULL /* 1.8432 MHz / 16: baud rate at divisor 1 */

static bool uart_fifo_on(const struct ns16550 *u)
{
	return u->s.fcr & 0x01;
}

static unsigned int uart_cap(const struct ns16550 *u)
{
	return uart_fifo_on(u) ? NS16550_FIFO_LEN : 1;
}

static void fifo_push(struct ns16550_fifo *f, uint8_t b)
{
	f->buf[(f->head + f->count) % NS16550_FIFO_LEN] = b;
	f->count++;
}

static uint8_t fifo_pop(struct ns16550_fifo *f)
{
	uint8_t b = f->buf[f->head];

	f->head = (f->head + 1) % NS16550_FIFO_LEN;
	f->count--;
	return b;
}

static void fifo_clear(struct ns16550_fifo *f)
{
	f->head = 0;
	f->count = 0;
}

static uint8_t uart_lsr(const struct ns16550 *u)
{
	uint8_t v = u->s.lsr_err;

	if (u->s.rx.count)
		v |= NS16550_LSR_DR;
	if (u->s.tx.count == 0)
		v |= NS16550_LSR_THRE | NS16550_LSR_TEMT;
	return v;
}

/* Time to move one character at the current divisor and frame format. */
static uint64_t uart_char_ns(const struct ns16550 *u)
{
	unsigned int wl = 5 + (u->s.lcr & 3);
	unsigned int half_bits = 2 * (1 + wl + ((u->s.lcr & 0x08) ? 1 : 0)) +
				 ((u->s.lcr & 0x04) ? (wl == 5 ? 3 : 4) : 2);
	uint64_t div = u->s.divisor ? u->s.divisor : 1;

	return half_bits * div * NS_PER_SEC / (2 * UART_CLK_16);
}

/* Highest-priority pending interrupt, as IIR bits 3-0. */
static uint8_t uart_iir_id(const struct ns16550 *u)
{
	static const uint8_t trigger[4] = { 1, 4, 8, 14 };
	const struct ns16550_state *s = &u->s;

	if ((s->ier & NS16550_IER_RLSI) && s->lsr_err)
		return NS16550_IIR_RLSI;
	if ((s->ier & NS16550_IER_RDI) && s->timeout_ipending)
		return NS16550_IIR_CTI;
	if ((s->ier & NS16550_IER_RDI) && s->rx.count &&
	    (!uart_fifo_on(u) || s->rx.count >= trigger[s->fcr >> 6]))
		return NS16550_IIR_RDI;
	if ((s->ier & NS16550_IER_THRI) && s->thr_ipending)
		return NS16550_IIR_THRI;
	if ((s->ier & NS16550_IER_MSI) && (s->msr & 0x0f))
		return NS16550_IIR_MSI;
	return NS16550_IIR_NONE;
}

static void uart_update(struct ns16550 *u)
{
	bool level = uart_iir_id(u) != NS16550_IIR_NONE;

	if (level != u->line) {
		u->line = level;
		hw_irq_set(u->env, u->irq, level);
	}
}

static void uart_arm_timeout(struct ns16550 *u)
{
	hw_timer_arm(u->env, &u->timeout,
		     hw_clock_ns(u->env) + 4 * uart_char_ns(u));
}

static void uart_timeout_fired(void *opaque)
{
	struct ns16550 *u = opaque;

	if (uart_fifo_on(u) && u->s.rx.count) {
		u->s.timeout_ipending = 1;
		uart_update(u);
	}
}

/* A character arrives at the receiver (from the far side or loopback). */
static void uart_rx_char(struct ns16550 *u, uint8_t b)
{
	struct ns16550_fifo *f = &u->s.rx;

	if (f->count < uart_cap(u)) {
		fifo_push(f, b);
	} else {
		/* Overrun: the FIFO keeps its bytes and loses the new one; the
		 * holding register (non-FIFO) is overwritten. */
		u->s.lsr_err |= NS16550_LSR_OE;
		if (!uart_fifo_on(u))
			f->buf[f->head] = b;
	}
	if (uart_fifo_on(u))
		uart_arm_timeout(u);
}

static void uart_tx_flush(struct ns16550 *u)
{
	struct ns16550_fifo *f = &u->s.tx;

	while (f->count) {
		unsigned int chunk = f->count;
		size_t took;

		if (u->s.mcr & NS16550_MCR_LOOP) {
			uart_rx_char(u, fifo_pop(f));
			continue;
		}
		if (!u->be.write) {
			fifo_clear(f);
			break;
		}
		if (f->head + chunk > NS16550_FIFO_LEN)
			chunk = NS16550_FIFO_LEN - f->head; /* up to the wrap */
		took = u->be.write(u->be.opaque, &f->buf[f->head], chunk);
		if (took > chunk)
			took = chunk;
		f->head = (f->head + took) % NS16550_FIFO_LEN;
		f->count -= took;
		if (took < chunk)
			break; /* back end full: wait for ns16550_tx_kick() */
	}
	if (f->count == 0)
		u->s.thr_ipending = 1;
	uart_update(u);
}

static void uart_accept_input(struct ns16550 *u)
{
	if (!(u->s.mcr & NS16550_MCR_LOOP) && u->be.accept_input)
		u->be.accept_input(u->be.opaque);
}

/* New modem status bits 7-4; sets the delta bits for what changed. */
static void uart_msr_set(struct ns16550 *u, uint8_t status)
{
	uint8_t old = u->s.msr & 0xf0, diff = old ^ status, d = 0;

	if (diff & NS16550_MSR_CTS)
		d |= 0x01;
	if (diff & NS16550_MSR_DSR)
		d |= 0x02;
	if ((old & NS16550_MSR_RI) && !(status & NS16550_MSR_RI))
		d |= 0x04; /* trailing edge of RI */
	if (diff & NS16550_MSR_DCD)
		d |= 0x08;
	u->s.msr = (status & 0xf0) | (u->s.msr & 0x0f) | d;
	uart_update(u);
}

static uint8_t uart_loop_status(uint8_t mcr)
{
	return (mcr & NS16550_MCR_RTS) << 3 | (mcr & NS16550_MCR_DTR) << 5 |
	       (mcr & (NS16550_MCR_OUT1 | NS16550_MCR_OUT2)) << 4;
}

static uint8_t uart_read_rbr(struct ns16550 *u)
{
	struct ns16550_state *s = &u->s;
	uint8_t b;

	if (s->rx.count) {
		b = fifo_pop(&s->rx);
		s->rbr = b;
	} else {
		b = uart_fifo_on(u) ? 0 : s->rbr;
	}
	s->timeout_ipending = 0;
	if (uart_fifo_on(u) && s->rx.count)
		uart_arm_timeout(u);
	else
		hw_timer_cancel(u->env, &u->timeout);
	uart_update(u);
	uart_accept_input(u);
	return b;
}

static uint64_t uart_read(void *dev, uint64_t off, unsigned int size)
{
	struct ns16550 *u = dev;
	struct ns16550_state *s = &u->s;
	uint8_t v;

	(void)size;
	switch (off) {
	case NS16550_RBR:
		if (s->lcr & 0x80)
			return s->divisor & 0xff;
		return uart_read_rbr(u);
	case NS16550_IER:
		if (s->lcr & 0x80)
			return s->divisor >> 8;
		return s->ier;
	case NS16550_IIR:
		v = uart_iir_id(u);
		if (v == NS16550_IIR_THRI) {
			/* reading IIR clears a THRE interrupt it reports */
			s->thr_ipending = 0;
			uart_update(u);
		}
		return v | (uart_fifo_on(u) ? NS16550_IIR_FIFO : 0);
	case NS16550_LCR:
		return s->lcr;
	case NS16550_MCR:
		return s->mcr;
	case NS16550_LSR:
		v = uart_lsr(u);
		s->lsr_err = 0;
		uart_update(u);
		return v;
	case NS16550_MSR:
		v = s->msr;
		s->msr &= 0xf0;
		uart_update(u);
		return v;
	default:
		return s->scr;
	}
}

static void uart_write_thr(struct ns16550 *u, uint8_t val)
{
	struct ns16550_fifo *f = &u->s.tx;

	if (f->count >= uart_cap(u))
		fifo_pop(f); /* overwrite: the oldest byte is lost */
	fifo_push(f, val);
	u->s.thr_ipending = 0;
	uart_update(u);  /* THRE falls ... */
	uart_tx_flush(u); /* ... and rises again once the byte is out */
}

static void uart_write_fcr(struct ns16550 *u, uint8_t val)
{
	struct ns16550_state *s = &u->s;

	if ((val ^ s->fcr) & 0x01)
		val |= 0x06; /* enabling or disabling the FIFOs clears them */
	if (val & 0x02) {
		fifo_clear(&s->rx);
		s->timeout_ipending = 0;
		hw_timer_cancel(u->env, &u->timeout);
	}
	if (val & 0x04) {
		fifo_clear(&s->tx);
		s->thr_ipending = 1;
	}
	s->fcr = val & 0xc9;
	uart_update(u);
	if (val & 0x02)
		uart_accept_input(u);
}

static void uart_write(void *dev, uint64_t off, unsigned int size,
		       uint64_t val64)
{
	struct ns16550 *u = dev;
	struct ns16550_state *s = &u->s;
	uint8_t val = (uint8_t)val64, changed;

	(void)size;
	switch (off) {
	case NS16550_THR:
		if (s->lcr & 0x80)
			s->divisor = (s->divisor & 0xff00) | val;
		else
			uart_write_thr(u, val);
		break;
	case NS16550_IER:
		if (s->lcr & 0x80) {
			s->divisor = (s->divisor & 0x00ff) | val << 8;
			break;
		}
		changed = (s->ier ^ val) & 0x0f;
		s->ier = val & 0x0f;
		if (changed & NS16550_IER_THRI)
			s->thr_ipending = (s->ier & NS16550_IER_THRI) &&
					  s->tx.count == 0;
		uart_update(u);
		break;
	case NS16550_FCR:
		uart_write_fcr(u, val);
		break;
	case NS16550_LCR:
		s->lcr = val;
		break;
	case NS16550_MCR:
		changed = (s->mcr ^ val) & NS16550_MCR_LOOP;
		s->mcr = val & 0x1f;
		uart_msr_set(u, (s->mcr & NS16550_MCR_LOOP)
				     ? uart_loop_status(s->mcr) : s->msr_in);
		if (changed && !(s->mcr & NS16550_MCR_LOOP))
			uart_accept_input(u);
		break;
	case NS16550_LSR:
	case NS16550_MSR:
		break; /* factory test registers: writes ignored */
	default:
		s->scr = val;
		break;
	}
}

const struct bus_ops ns16550_ops = {
	.read = uart_read,
	.write = uart_write,
	.max_size = 1,
};

size_t ns16550_receive(struct ns16550 *u, const uint8_t *buf, size_t n)
{
	size_t i, room;

	if (u->s.mcr & NS16550_MCR_LOOP)
		return n; /* serial input is disconnected: the bytes are lost */
	room = uart_cap(u) - u->s.rx.count;
	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		uart_rx_char(u, buf[i]);
	uart_update(u);
	return n;
}

void ns16550_tx_kick(struct ns16550 *u)
{
	if (u->s.tx.count)
		uart_tx_flush(u);
}

void ns16550_set_modem_inputs(struct ns16550 *u, uint8_t msr_bits)
{
	u->s.msr_in = msr_bits & 0xf0;
	if (!(u->s.mcr & NS16550_MCR_LOOP))
		uart_msr_set(u, u->s.msr_in);
}

void ns16550_reset(struct ns16550 *u)
{
	u->s = (struct ns16550_state){
		.mcr = NS16550_MCR_OUT2,
		.msr_in = NS16550_MSR_DCD | NS16550_MSR_DSR | NS16550_MSR_CTS,
		.msr = NS16550_MSR_DCD | NS16550_MSR_DSR | NS16550_MSR_CTS,
		.divisor = 12, /* 9600 baud */
	};
	hw_timer_cancel(u->env, &u->timeout);
	uart_update(u);
}

void ns16550_init(struct ns16550 *u, const struct hw_env *env,
		  unsigned int irq, const struct ns16550_backend *be)
{
	u->env = env;
	u->irq = irq;
	u->be = be ? *be : (struct ns16550_backend){ 0 };
	u->line = false;
	hw_timer_init(&u->timeout, uart_timeout_fired, u);
	ns16550_reset(u);
}

int ns16550_attach(struct ns16550 *u, struct bus *pio, uint16_t base)
{
	return bus_register(pio, base, 8, &ns16550_ops, u, "uart");
}
