# vm/ - the engine. Pure: built into the image and for the host.
PURE_SRCS += vm/bus.c vm/timerq.c
