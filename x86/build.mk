# x86/ - the instruction decoder shared by tcg/ and vmx/. Pure.
PURE_SRCS += x86/decode.c x86/decode_tables.c x86/alu.c
