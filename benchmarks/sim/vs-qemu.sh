#!/usr/bin/env bash
# Guest MIPS of the simulator and of qemu-system-aarch64 on the same ELFs, in the same run:
# the tight loop with the MMU off, then the same loop with the MMU on (identity map, TLB hits).
# Needs aarch64-linux-gnu-gcc and qemu-system-aarch64 (Debian: gcc-aarch64-linux-gnu, qemu-system-arm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mips() { echo "$1 / (($3 - $2) * 1000000)" | bc -l | cut -c1-6; }
for variant in tight-loop tight-loop-mmu; do
  aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none -o "$work/$variant.elf" "$here/$variant.S"
  insns=$((7 * 100000000 + 9))
  [ "$variant" = tight-loop-mmu ] && insns=$((insns + 13))
  echo "== $variant: $insns guest instructions"
  t0=$(date +%s.%N)
  "$root/levitate" run --stats "$work/$variant.elf"
  t1=$(date +%s.%N)
  echo "levitate (whole command, JVM start included): $(mips "$insns" "$t0" "$t1") MIPS"
  t0=$(date +%s.%N)
  qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -nic none -semihosting -kernel "$work/$variant.elf"
  t1=$(date +%s.%N)
  echo "qemu-system-aarch64 (whole command): $(mips "$insns" "$t0" "$t1") MIPS"
done
