/* Which vcpu_ops keel-run runs guests on: the translator (tcg/). */
#include <stddef.h>
#include "hosted/hosted.h"
#include "tcg/tcg.h"

const struct vcpu_ops *hosted_cpu_backend(void) { return &tcg_vcpu_ops; }
