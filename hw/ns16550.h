/*
 * hw/ns16550.h - National Semiconductor NS16550A UART (the PC's COM ports).
 *
 * Eight registers at a base port (COM1 0x3f8 IRQ 4, COM2 0x2f8 IRQ 3), 16-byte
 * FIFOs. The far side is a byte stream: transmitted bytes go to the back
 * end's write() (which may take fewer than offered; the rest waits in the
 * transmit FIFO until ns16550_tx_kick()), received bytes come in through
 * ns16550_receive(), which takes only what fits so nothing is overrun.
 */
#ifndef KEEL_HW_NS16550_H
#define KEEL_HW_NS16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw_env.h"
#include "vm/bus.h"

#define NS16550_COM1     0x3f8
#define NS16550_COM2     0x2f8
#define NS16550_FIFO_LEN 16

/* Registers (offsets from the base port) and their bits. */
enum {
	NS16550_RBR = 0, NS16550_THR = 0, NS16550_DLL = 0,
	NS16550_IER = 1, NS16550_DLM = 1,
	NS16550_IIR = 2, NS16550_FCR = 2,
	NS16550_LCR = 3, NS16550_MCR = 4, NS16550_LSR = 5, NS16550_MSR = 6,
	NS16550_SCR = 7,
};

#define NS16550_IER_RDI  0x01 /* received data available */
#define NS16550_IER_THRI 0x02 /* THR empty */
#define NS16550_IER_RLSI 0x04 /* receiver line status */
#define NS16550_IER_MSI  0x08 /* modem status */

#define NS16550_IIR_NONE 0x01
#define NS16550_IIR_MSI  0x00
#define NS16550_IIR_THRI 0x02
#define NS16550_IIR_RDI  0x04
#define NS16550_IIR_RLSI 0x06
#define NS16550_IIR_CTI  0x0c /* character timeout (FIFO mode) */
#define NS16550_IIR_FIFO 0xc0

#define NS16550_LSR_DR   0x01
#define NS16550_LSR_OE   0x02
#define NS16550_LSR_PE   0x04
#define NS16550_LSR_FE   0x08
#define NS16550_LSR_BI   0x10
#define NS16550_LSR_THRE 0x20
#define NS16550_LSR_TEMT 0x40

#define NS16550_MCR_DTR  0x01
#define NS16550_MCR_RTS  0x02
#define NS16550_MCR_OUT1 0x04
#define NS16550_MCR_OUT2 0x08
#define NS16550_MCR_LOOP 0x10

#define NS16550_MSR_CTS  0x10
#define NS16550_MSR_DSR  0x20
#define NS16550_MSR_RI   0x40
#define NS16550_MSR_DCD  0x80

struct ns16550_fifo {
	uint8_t buf[NS16550_FIFO_LEN];
	uint8_t head;
	uint8_t count;
};

/* Guest-visible state (what a snapshot saves). */
struct ns16550_state {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t lsr_err;         /* OE/PE/FE/BI, cleared by reading LSR */
	uint8_t msr;             /* status bits 7-4, delta bits 3-0 */
	uint8_t msr_in;          /* modem inputs from the back end (7-4) */
	uint8_t rbr;             /* last byte read, for non-FIFO re-reads */
	uint16_t divisor;
	uint8_t thr_ipending;    /* THRE interrupt latched */
	uint8_t timeout_ipending;
	struct ns16550_fifo rx, tx;
};

struct ns16550_backend {
	/* Take up to n bytes the guest transmitted; return how many. */
	size_t (*write)(void *opaque, const uint8_t *buf, size_t n);
	/* Optional: the receive FIFO has room again. */
	void (*accept_input)(void *opaque);
	void *opaque;
};

struct ns16550 {
	struct ns16550_state s;
	const struct hw_env *env;
	unsigned int irq;
	struct ns16550_backend be;
	struct timerq_timer timeout;
	bool line;               /* current level of the IRQ output */
};

/* be may be NULL: transmitted bytes are then dropped. */
void ns16550_init(struct ns16550 *u, const struct hw_env *env,
		  unsigned int irq, const struct ns16550_backend *be);
void ns16550_reset(struct ns16550 *u);

/* Bytes from the far side; returns how many were taken (0 when full). */
size_t ns16550_receive(struct ns16550 *u, const uint8_t *buf, size_t n);

/* The back end can take bytes again: continue transmitting. */
void ns16550_tx_kick(struct ns16550 *u);

/* Modem inputs from the far side: any of CTS, DSR, RI, DCD. */
void ns16550_set_modem_inputs(struct ns16550 *u, uint8_t msr_bits);

extern const struct bus_ops ns16550_ops; /* 8 ports, dev = u */

int ns16550_attach(struct ns16550 *u, struct bus *pio, uint16_t base)
	__attribute__((warn_unused_result));

#endif
