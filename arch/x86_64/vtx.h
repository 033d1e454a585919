#ifndef ARCH_X86_64_VTX_H
#define ARCH_X86_64_VTX_H

struct cpu;
/* Runs on the CPU itself: fills c->vtx_usable and c->vtx_reason. */
void vtx_probe(struct cpu *c);

#endif
