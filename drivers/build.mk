# drivers/: host hardware.
KERNEL_SRCS += drivers/uart.c
