/* Which vcpu_ops keel-run runs guests on. tcg/ (issue 4) will provide
 * tcg_vcpu_ops here; until then keel-run builds machines and loads kernels
 * but says plainly that it cannot execute them. */
#include <stddef.h>
#include "hosted/hosted.h"

const struct vcpu_ops *hosted_cpu_backend(void) { return NULL; }
