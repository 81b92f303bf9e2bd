#!/usr/bin/env bash
# Guest MIPS of the simulator and of qemu-system-aarch64 on the same ELFs, in the same run:
# (a) the tight loop with the MMU off, then the same loop with the MMU on (identity map, TLB hits);
# (b) a realistic C program: backend-sim/src/test/resources/corpus/bench.c (CRC-32, quicksort and a
# bytecode interpreter; BENCH_ROUNDS rounds of about 1.3 million instructions, 250 by default), with
# the MMU off, then on (crt0-mmu.S: the same identity map as tight-loop-mmu.S).
# QEMU does not count instructions: its MIPS divide the simulator's count for the same ELF.
# TIMING=a53 runs the simulator under the A53 cycle model (default: fixed). The compiled tier is on
# unless JAVA_TOOL_OPTIONS=-Dlevitate.sim.jitThreshold=0 turns it off.
# Needs aarch64-linux-gnu-gcc and qemu-system-aarch64 (Debian: gcc-aarch64-linux-gnu, qemu-system-arm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timing="${TIMING:-fixed}"
mips() { echo "$1 / (($3 - $2) * 1000000)" | bc -l | cut -c1-6; }
# compare ELF: the image on levitate, then on QEMU, each timed as a whole command; both MIPS divide
# the simulator's instruction count (its final statistics line: not a progress line of a long run)
compare() {
  local elf=$1 t0 t1 insns
  t0=$(date +%s.%N)
  "$root/levitate" run --stats --timing "$timing" "$elf" 2> >(tee "$elf.stats" >&2)
  t1=$(date +%s.%N)
  sleep 0.1   # let tee finish
  insns=$(grep -o 'levitate run: [0-9,]* instructions (' "$elf.stats" | tail -1 | tr -d ', [:alpha:]:(')
  echo "$insns guest instructions"
  echo "levitate (whole command, JVM start included): $(mips "$insns" "$t0" "$t1") MIPS"
  t0=$(date +%s.%N)
  qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -nic none -semihosting -kernel "$elf"
  t1=$(date +%s.%N)
  echo "qemu-system-aarch64 (whole command): $(mips "$insns" "$t0" "$t1") MIPS"
}

for variant in tight-loop tight-loop-mmu; do
  aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none -Wa,-I"$here" -o "$work/$variant.elf" "$here/$variant.S"
  echo "== $variant: 7 x 10^8 loop instructions (plus 13 to turn the MMU on in tight-loop-mmu)"
  compare "$work/$variant.elf"
done

corpus="$root/backend-sim/src/test/resources/corpus"
rounds="${BENCH_ROUNDS:-250}"
# bench.c twice: with the corpus's crt0 (MMU off), and with crt0-mmu.S (identity map, MMU on)
for variant in bench bench-mmu; do
  mmu=()
  [ "$variant" = bench-mmu ] && mmu=(-Wa,-I"$here" -Wl,-e,_mmu_start "$here/crt0-mmu.S")
  aarch64-linux-gnu-gcc -O2 -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align -static \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$corpus/link.ld" -DBENCH_ROUNDS="$rounds" \
    -o "$work/$variant.elf" "${mmu[@]}" "$corpus/crt0.S" "$corpus/lib.c" "$corpus/bench.c"
  echo "== $variant.c (a realistic C program; MMU $([ "$variant" = bench-mmu ] && echo on || echo off)): $rounds rounds"
  compare "$work/$variant.elf"
done
