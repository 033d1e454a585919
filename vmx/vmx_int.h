/* Internal to vmx/: shared by vmx.c, vmx_vmcs.c, vmx_exit.c, vmx_msr.c. */
#ifndef VMX_VMX_INT_H
#define VMX_VMX_INT_H

#include "vmx/caps.h"
#include "vmx/vmx.h"

extern struct vmx_caps vmx_caps;

int vmx_enter(struct vmx_gprs *g, int launched); /* vmx_entry.asm */
extern char vmx_exit_point[];

/* vmx_vmcs.c */
void vmx_vmcs_setup(struct vmx_vcpu *x);
void vmx_state_to_vmcs(struct vmx_vcpu *x);
void vmx_state_from_vmcs(struct vmx_vcpu *x);
bool vmx_interrupt_shadow(const struct vmx_vcpu *x);

/* vmx_exit.c */
int vmx_run(struct vcpu *v, struct vcpu_exit *e);
void vmx_release(struct vcpu *v);

/* vmx_msr.c: 0; -1 for an MSR keel does not know; -2 for #GP */
void vmx_msr_bitmap_init(uint8_t *bitmap);
int vmx_get_msr(struct vcpu *v, uint32_t msr, uint64_t *val);
int vmx_set_msr(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
