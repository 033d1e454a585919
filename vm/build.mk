# vm/ - the engine. Pure: built into the image and for the host.
PURE_SRCS += vm/bus.c vm/timerq.c
# Loaders (issue 3): pc e820 map, Linux boot protocol, Multiboot 1.
PURE_SRCS += vm/e820.c vm/bootcpu.c vm/linux_boot.c vm/multiboot.c
PURE_SRCS += vm/vm.c vm/run.c vm/sched.c
PURE_SRCS += vm/vmconfig.c
PURE_SRCS += vm/gwalk.c
