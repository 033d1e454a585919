# vmx/ and ept/ (issue 5): the pure parts of the VT-x backend, built for the
# image and for the host unit tests.
PURE_SRCS += vmx/caps.c vmx/exitqual.c ept/ept.c
# The hardware side (VMXON, VMCS, entry/exit, exit handlers): image only.
KERNEL_SRCS += vmx/vmx.c vmx/vmx_vmcs.c vmx/vmx_exit.c vmx/vmx_msr.c vmx/vmx_entry.asm
