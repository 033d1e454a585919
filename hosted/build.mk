# hosted/: keel-run, the engine as a Linux program (never part of the image).
# Built optimised and without sanitizers: it is also the benchmark runner.
HOSTED_SRCS := hosted/main.c hosted/backend.c $(filter hw/% vm/% tcg/% x86/%,$(PURE_SRCS))
HOSTED_OBJS := $(patsubst %.c,$(B)/hr/%.o,$(HOSTED_SRCS))
HRCFLAGS := -std=gnu11 -O2 -g $(WARN) -I. -DKEEL_HOST=1

$(B)/hr/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HRCFLAGS) -MMD -MP -c $< -o $@

$(B)/keel-run: $(HOSTED_OBJS)
	$(CC) $^ -o $@

hosted: $(B)/keel-run
