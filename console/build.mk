# console/: the serial management console.
KERNEL_SRCS += console/klog.c console/console.c console/cmds_core.c console/cmds_info.c \
	console/vms.c console/vms_cmds.c
PURE_SRCS += console/log.c console/lineedit.c console/complete.c console/outring.c
