/* VMX instructions (SDM Vol. 3C ch. 30). Each reports VMfailInvalid (CF) or
 * VMfailValid (ZF) as a nonzero return. Kernel only. */
#ifndef VMX_VMX_HW_H
#define VMX_VMX_HW_H

#include <stdint.h>

static inline int vmxon(uint64_t pa)
{
	uint8_t bad;
	__asm__ volatile("vmxon %1; setna %0" : "=q"(bad) : "m"(pa) : "cc", "memory");
	return bad;
}

static inline void vmxoff(void) { __asm__ volatile("vmxoff" ::: "cc"); }

static inline int vmclear(uint64_t pa)
{
	uint8_t bad;
	__asm__ volatile("vmclear %1; setna %0" : "=q"(bad) : "m"(pa) : "cc", "memory");
	return bad;
}

static inline int vmptrld(uint64_t pa)
{
	uint8_t bad;
	__asm__ volatile("vmptrld %1; setna %0" : "=q"(bad) : "m"(pa) : "cc", "memory");
	return bad;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v = 0;
	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}

static inline int vmwrite(uint64_t field, uint64_t v)
{
	uint8_t bad;
	__asm__ volatile("vmwrite %2, %1; setna %0" : "=q"(bad) : "r"(field), "rm"(v) : "cc");
	return bad;
}

/* INVEPT single-context (type 1) or all-context (type 2), SDM Vol. 3C §30.3. */
static inline void invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, rsvd;
	} d = {eptp, 0};
	__asm__ volatile("invept %0, %1" ::"m"(d), "r"(type) : "cc", "memory");
}

#endif
