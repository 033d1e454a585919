# hw/ - PC device models (guest-visible). Pure: built into the image and
# for the host (unit tests, hosted runner) unchanged.
PURE_SRCS += hw/i8259.c hw/i8254.c hw/port61.c hw/mc146818.c hw/ns16550.c
