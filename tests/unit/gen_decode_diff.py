#!/usr/bin/env python3
"""Generates the differential cases for tests/unit/test_decode.c.

Assembles a list of instructions with GNU as (64-, 32- and 16-bit code),
and disassembles them plus random bytes (fixed seed) with GNU objdump
(-M intel64: Intel's rules for 66 on near branches). Writes a C header of
samples: mode, bytes, objdump's length and text.

usage: gen_decode_diff.py OUT.h
"""
import os
import random
import re
import subprocess
import sys
import tempfile

SEED = 20240607
RANDOM_BYTES = {64: 12000, 32: 6000}

# Every class the MMIO path classifies, plus what a Linux kernel runs.
COMMON = """
mov %al,(%ebx)
mov %eax,0x10(%ebx)
mov (%ecx),%dl
mov -0x80(%esi,%edi,4),%eax
movb $0x7f,(%edx)
movl $0x12345678,0x1000(%ebp)
movw $0x1234,(%eax)
movzbl (%eax),%ecx
movzwl 2(%eax),%ecx
movsbl (%eax),%ecx
movswl (%eax),%ecx
movzbw (%eax),%cx
movsb
movsl
rep movsb
rep movsl
rep stosb
rep stosl
lodsb
lodsl
insb
insl
outsb
outsw
rep outsl
rep insw
add %eax,(%ebx)
add (%ebx),%eax
addb $1,(%ebx)
addl $0x1000,(%ebx)
addl $-1,(%ebx)
or %ecx,4(%edx)
orl $0x80000000,(%eax)
and %edx,(%eax)
andl $0xfffffffe,(%eax)
andb $0xfe,(%eax)
xor (%eax),%ebx
sub %eax,(%ecx)
sbb %eax,(%ecx)
adc %eax,(%ecx)
cmp %eax,(%ecx)
cmpl $5,(%ecx)
cmpb $5,(%ecx)
test %eax,(%ecx)
testl $0x100,(%ecx)
testb $1,(%ecx)
xchg %eax,(%ecx)
xchg %cl,(%edx)
lock addl $1,(%eax)
lock incl (%eax)
lock decl 4(%eax)
lock cmpxchg %ecx,(%edx)
lock xadd %eax,(%ebx)
lock btsl $3,(%eax)
lock bts %eax,(%ebx)
lock notl (%eax)
lock negl (%eax)
lock cmpxchg8b (%esi)
movd %mm0,(%eax)
movd (%eax),%mm1
movd %xmm0,(%eax)
movd (%eax),%xmm1
movq (%eax),%mm2
movq %mm2,(%eax)
movq (%eax),%xmm3
movq %xmm3,(%eax)
movnti %eax,(%ebx)
push %eax
pop %ebx
push $0x12
push $0x12345
pushf
popf
ret
ret $8
lret
call *(%eax)
jmp *%eax
jmp .+0x40
jmp .+0x400
je .+0x10
jne .+0x1000
loop .+0x10
lea 0x8(%eax,%ebx,2),%ecx
lea (,%ecx,8),%edx
lea 0x12345678(,%ecx,4),%edx
imul $0x10,%eax,%ecx
imul $0x1000,%eax,%ecx
imul (%eax),%ecx
shl $3,%eax
shr %cl,(%eax)
rol $1,%eax
shld $4,%eax,%ebx
shrd %cl,%eax,(%ebx)
bt %eax,(%ebx)
btl $5,(%ebx)
cmove %eax,%ebx
sete %al
setne (%eax)
bswap %eax
bsf %eax,%ebx
popcnt %eax,%ebx
tzcnt %eax,%ebx
lzcnt (%eax),%ebx
crc32b %al,%ebx
crc32l (%eax),%ebx
cpuid
rdtsc
rdtscp
rdmsr
wrmsr
rdpmc
hlt
cli
sti
pause
nop
nopl 0x0(%eax)
nopw 0x0(%eax,%eax,1)
int3
int $0x80
ud2
in $0x60,%al
out %al,$0x80
in (%dx),%eax
out %ax,(%dx)
lgdt (%eax)
lidt (%eax)
sgdt (%eax)
lldt %ax
ltr %ax
invlpg (%eax)
mov %cr0,%eax
mov %eax,%cr3
mov %cr4,%eax
mov %db7,%eax
clts
wbinvd
invd
xsave (%eax)
xrstor (%eax)
xsaveopt (%eax)
fxsave (%eax)
fxrstor (%eax)
ldmxcsr (%eax)
stmxcsr (%eax)
lfence
mfence
sfence
clflush (%eax)
prefetchw (%eax)
prefetcht0 (%eax)
vmcall
vmlaunch
vmresume
vmxoff
vmread %eax,%ebx
vmwrite (%eax),%ebx
vmptrld (%eax)
vmclear (%eax)
clac
stac
xgetbv
xsetbv
monitor
mwait
rdrand %eax
rdseed %eax
enter $0x10,$0
enter $0x1000,$3
leave
cwtl
cltd
sahf
lahf
xlat
cmc
clc
std
fninit
fldl (%eax)
fstps 4(%eax)
fadd %st(1),%st
fnstsw %ax
emms
movdqu (%eax),%xmm0
movdqa %xmm0,(%eax)
movups (%eax),%xmm1
movaps %xmm1,%xmm2
pxor %xmm0,%xmm1
pshufd $0x1b,%xmm0,%xmm1
psrldq $4,%xmm0
palignr $3,%xmm0,%xmm1
pshufb %xmm0,%xmm1
pclmulqdq $0x10,%xmm0,%xmm1
aesenc %xmm0,%xmm1
pinsrd $1,%eax,%xmm0
cmpps $1,%xmm0,%xmm1
shufps $0x44,%xmm0,%xmm1
vpxor %xmm1,%xmm2,%xmm3
vpxor %ymm1,%ymm2,%ymm3
vmovdqu (%eax),%ymm0
vmovdqu %ymm0,0x20(%eax)
vpshufb %ymm1,%ymm2,%ymm3
vpbroadcastd %xmm0,%ymm1
vinserti128 $1,%xmm0,%ymm1,%ymm2
vpermq $0x4e,%ymm0,%ymm1
vzeroupper
vzeroall
vpclmulqdq $0,%xmm0,%xmm1,%xmm2
andn %eax,%ebx,%ecx
shlx %eax,%ebx,%ecx
rorx $3,%eax,%ebx
vpxord %zmm1,%zmm2,%zmm3
vmovdqu64 0x40(%eax),%zmm0
vpternlogd $0x96,%zmm0,%zmm1,%zmm2
xbegin .+0x100
xend
xabort $1
xtest
"""

ONLY64 = """
mov %rax,(%rbx)
mov %r8,0x10(%r9)
mov (%r12),%r13
mov (%r13),%r14
mov 0x8(%rsp),%rax
mov (%rbp),%rax
mov %sil,(%rdi)
mov %ah,(%rdi)
movabs $0x1122334455667788,%rax
movabs $0x1122334455667788,%r15
mov $0x12345678,%rax
mov $0x12345678,%eax
movq $-1,(%rax)
movabs 0x1122334455667788,%al
movabs 0x1122334455667788,%eax
movabs %rax,0x1122334455667788
movabs %al,0x1122334455667788
mov 0x12345678(%rip),%rax
mov %eax,-0x10(%rip)
lea 0x100(%rip),%rdi
mov (%rax,%r12,8),%rcx
mov 0x10(,%r13,2),%rcx
mov 0x12345678,%eax
mov %gs:0x28,%rax
mov %fs:(%rax),%rbx
movzbl (%rax),%r10d
movslq (%rax),%rcx
movsbq (%rax),%rcx
movswq (%rax),%rcx
rep movsq
rep stosq
lodsq
add %rax,(%rbx)
addq $0x7fffffff,(%rbx)
subq $-0x80,0x8(%rsp)
xchg %rax,(%rcx)
lock cmpxchg %r8,(%rdx)
lock cmpxchg16b (%rsi)
lock xaddq %rax,(%rdi)
movq %rax,%xmm0
movq (%rax),%mm0
movq %xmm0,(%rax)
movnti %rax,(%rbx)
push %r12
pop %r15
pushq $0x10
pushw $0x10
push %rbp
call *%rax
call *0x8(%rax)
jmp *0x10(%rip)
call .+0x1000
syscall
sysretq
sysret
swapgs
iretq
iret
lretq
rdfsbase %rax
wrgsbase %rax
endbr64
cltq
cqto
mov %cr8,%rax
mov %rax,%cr8
mov %cr2,%r12
rex64 nop
addr32 mov (%eax),%eax
addr32 mov (%r8d,%r9d,4),%eax
invpcid (%rax),%rax
vpxor %xmm8,%xmm9,%xmm10
vmovdqu (%r8),%ymm15
vpxord %zmm17,%zmm18,%zmm19
andn %rax,%rbx,%rcx
movsxd (%rax),%eax
jrcxz .+0x10
"""

ONLY32 = """
pusha
popa
push %es
pop %ds
push %cs
daa
das
aaa
aas
aam
aad $0x10
les (%eax),%eax
lds 4(%eax),%ebx
bound %eax,(%ebx)
into
arpl %ax,(%ebx)
ljmp $0x10,$0x100000
lcall $0x8,$0x1234
ljmpw $0x10,$0x1000
mov 0x12345678,%eax
mov %eax,0x12345678
movw 0x1234,%ax
addr16 mov (%bx,%si),%eax
addr16 mov 0x1234,%eax
movw $0x1234,(%eax)
dec %eax
inc %ecx
jecxz .+0x10
"""

CODE16 = """
mov (%bx,%si),%ax
mov (%bx,%di),%ax
mov (%bp,%si),%ax
mov 0x10(%bp,%di),%ax
mov (%si),%ax
mov (%di),%ax
mov 0x1234,%ax
mov 0x10(%bp),%ax
mov 0x1000(%bx),%ax
mov %ax,-2(%bx,%si)
movw $0x1234,(%si)
movl $0x12345678,(%di)
movl %eax,(%bx)
mov $0x1234,%ax
mov $0x12345678,%eax
mov 0x1234,%al
mov %al,0x1234
add $0x10,%ax
addw $0x1000,(%bx)
mov (%eax),%ax
mov (%eax,%ebx,4),%ax
push $0x1234
pushl $0x12345678
call .+0x100
jmp .+0x1000
je .+0x1000
je .+0x10
ljmp $0x10,$0x1000
ljmpl $0x8,$0x12345
lgdtl (%si)
lidtw (%bx)
mov %cr0,%eax
mov %eax,%cr0
rep movsb
rep movsw
rep stosw
rep insb
outsw
int $0x10
iret
retw
lret
enter $4,$0
pusha
les (%bx),%ax
lds (%si),%si
"""


def to64(text):
    """The shared list with 64-bit addresses (and GPRs where 32 is invalid)."""
    out = []
    for ln in text.splitlines():
        if re.match(r'(mov %[cd][rb]|mov %e\w\w,%[cd]|vmread|vmwrite|push|pop|jmp \*|call \*)', ln):
            ln = ln.replace('%e', '%r')
        else:
            ln = re.sub(r'\([^)]*\)', lambda m: m.group(0).replace('%e', '%r'), ln)
        out.append(ln)
    return '\n'.join(out) + '\n'


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


LINE = re.compile(r'^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$')


def parse(dump):
    """(addr, bytes, text) for each decoded line of objdump -d output."""
    out = []
    for ln in dump.splitlines():
        m = LINE.match(ln)
        if m:
            out.append((int(m.group(1), 16), bytes.fromhex(m.group(2)),
                        ' '.join(m.group(3).split())))
    return out


def assemble(tmp, mode, text):
    src = os.path.join(tmp, f'a{mode}.s')
    obj = os.path.join(tmp, f'a{mode}.o')
    head = {64: '.code64\n', 32: '.code32\n', 16: '.code16\n'}[mode]
    with open(src, 'w') as f:
        f.write(head + text)
    run(['as', '--64' if mode == 64 else '--32', src, '-o', obj])
    arch = {64: 'i386:x86-64', 32: 'i386', 16: 'i8086'}[mode]
    dump = run(['objdump', '-d', '-m', arch, '-M', 'intel64',
                '--insn-width=16', obj])
    return parse(dump)


def random_samples(tmp, mode, n, rng):
    blob = bytes(rng.randrange(256) for _ in range(n))
    path = os.path.join(tmp, f'r{mode}.bin')
    with open(path, 'wb') as f:
        f.write(blob)
    arch = 'i386:x86-64' if mode == 64 else 'i386'
    dump = run(['objdump', '-D', '-b', 'binary', '-m', arch, '-M', 'intel64',
                '--insn-width=16', path])
    out = []
    for addr, b, text in parse(dump):
        # hand the decoder what a fetcher would: up to 15 bytes from here
        out.append((addr, blob[addr:addr + 15], len(b), text))
    return out


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def emit(f, name, rows):
    f.write(f'static const struct decode_sample {name}[] = {{\n')
    for mode, addr, b, length, text in rows:
        hx = ', '.join(f'0x{x:02x}' for x in b)
        f.write(f'\t{{{mode}, {addr:#x}, {len(b)}, {length}, {{{hx}}}, {c_str(text)}}},\n')
    f.write('};\n\n')


def main():
    out = sys.argv[1]
    rng = random.Random(SEED)
    directed = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode, text in ((64, to64(COMMON) + ONLY64), (32, COMMON + ONLY32),
                           (16, CODE16)):
            for addr, b, t in assemble(tmp, mode, text):
                directed.append((mode, addr, b, len(b), t))
        rand = []
        for mode, n in RANDOM_BYTES.items():
            for addr, b, length, t in random_samples(tmp, mode, n, rng):
                rand.append((mode, addr, b, length, t))
    with open(out + '.tmp', 'w') as f:
        f.write('/* Generated by tests/unit/gen_decode_diff.py; do not edit. */\n')
        emit(f, 'decode_directed', directed)
        emit(f, 'decode_random', rand)
    os.replace(out + '.tmp', out)
    print(f'{out}: {len(directed)} assembled, {len(rand)} random samples')


if __name__ == '__main__':
    main()
