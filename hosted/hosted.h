/* hosted/: the engine as a Linux program (keel-run). */
#ifndef KEEL_HOSTED_HOSTED_H
#define KEEL_HOSTED_HOSTED_H

struct vcpu_ops;
/* The CPU backend keel-run uses: the translator once tcg/ exists, NULL
 * before (hosted/backend.c). */
const struct vcpu_ops *hosted_cpu_backend(void);

#endif
