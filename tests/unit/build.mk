# tests/unit/: host unit tests (cmocka). Each test links the pure sources
# named in UNIT_DEPS_<test>.
UNIT_TESTS += tests/unit/test_log.c tests/unit/test_lineedit.c \
	tests/unit/test_config.c tests/unit/test_frames.c

UNIT_DEPS_test_log := console/log.c
UNIT_DEPS_test_lineedit := console/lineedit.c
UNIT_DEPS_test_config := boot/config.c console/log.c
UNIT_DEPS_test_frames := arch/x86_64/frames.c
