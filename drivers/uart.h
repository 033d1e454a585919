/* The host's 16550 UART: the operator's console line. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stddef.h>
#include <stdint.h>

struct uart_stats {
	uint64_t rx, tx, overruns;
};

/* Returns -1 when no UART answers at io (scratch-register test). */
int uart_init(uint16_t io, uint32_t baud);
void uart_write(const char *s, size_t n); /* a console sink: \n becomes \r\n */
/* Receive is interrupt driven once uart_enable_irq() ran; before that,
 * uart_getc polls the line. Returns -1 when nothing is waiting. */
void uart_enable_irq(uint8_t irq, uint8_t vector);
int uart_getc(void);
void uart_stats(struct uart_stats *s);

#endif
