# tcg/ (issue 4): the binary-translation backend of struct vcpu_ops. Pure:
# every file builds for the image, the host unit tests and keel-run.
TCG_SRCS := $(sort $(wildcard tcg/*.c))
PURE_SRCS += $(TCG_SRCS)
